// axe-core, injected into a page: its violations of the default rules (WCAG 2.x A and AA,
// best practices), one line per node.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's script, for `page.addScriptTag({ content: axeSource })`. */
export const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** Runs axe-core (injected in the page) with its default rules: WCAG 2.x A and AA, best practices. */
export async function violations(page: Page): Promise<string[]> {
  const found: Violation[] = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target,
        failureSummary: node.failureSummary,
      })),
    }));
  });
  return found.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.help}): ${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ')}`,
    ),
  );
}
