// What a package README promises a new user, read from its Markdown: the install command, the
// first TypeScript example and the output shown after it, or a command-line session.

export interface ReadmeExample {
  /** The arguments of the first `npm install` line of a sh block. */
  installArguments: string[];
  /** The first ts block, verbatim; absent for a command-line package. */
  code?: string;
  /** The first text block after the code (or the first one starting with `$ `). */
  output: string;
  /** For a command-line README: the `$ ` command that prints `output`. */
  command?: string;
}

interface CodeBlock {
  language: string;
  body: string;
}

function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({ language: match[1], body: match[2] });
  }
  return blocks;
}

export function readmeExample(markdown: string, readmeName: string): ReadmeExample {
  const blocks = codeBlocks(markdown);
  const installLine = blocks
    .filter((block) => block.language === 'sh')
    .flatMap((block) => block.body.split('\n'))
    .find((line) => line.startsWith('npm install '));
  if (!installLine) throw new Error(`${readmeName}: no \`npm install\` line in a sh block`);
  const installArguments = installLine.replace(/#.*$/, '').trim().split(/\s+/).slice(2);

  const codeIndex = blocks.findIndex((block) => block.language === 'ts');
  if (codeIndex >= 0) {
    const output = blocks.slice(codeIndex + 1).find((block) => block.language === 'text');
    if (!output) throw new Error(`${readmeName}: no text block shows what the example prints`);
    return { installArguments, code: blocks[codeIndex].body, output: output.body };
  }
  const session = blocks.find((block) => block.language === 'text' && block.body.startsWith('$ '));
  if (!session) throw new Error(`${readmeName}: neither a ts example nor a \`$ \` session`);
  const [first, ...rest] = session.body.split('\n');
  return { installArguments, command: first.slice(2), output: rest.join('\n') };
}

/**
 * Figures that differ from run to run and machine to machine (throughput, wall-clock times)
 * are replaced by one token on both sides before printed output is compared.
 */
export function maskVolatile(text: string): string {
  return text
    .replace(/\d[\d,.]* (img|images)\/s/g, '<rate> $1/s')
    .replace(/\b(\d+m ?)?\d+(\.\d+)?(ms|s)\b/g, '<time>')
    .replace(/[ \t]+$/gm, '')
    .trimEnd();
}
