import { statSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's order (its cache of earlier runs, else the larger files first), with the browser
 * files spread through it instead of after it. They run one at a time
 * (one-browser-file-at-a-time.ts); at the end of a run, alone, they left one of the two cores
 * mostly idle for a third of the suite's time. Each browser file is followed by a share of the
 * other files in proportion to its size, so that the next one is seldom handed out while it
 * still runs.
 */
export default class SuiteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isBrowser = (spec: TestSpecification) => spec.project.name === 'e2e';
    const browser = sorted.filter(isBrowser);
    const rest = sorted.filter((spec) => !isBrowser(spec));
    if (browser.length === 0 || rest.length === 0) return sorted;
    const weight = (spec: TestSpecification) => statSync(spec.moduleId).size;
    const total = browser.reduce((sum, spec) => sum + weight(spec), 0);
    const order: TestSpecification[] = [];
    let taken = 0;
    let before = 0;
    for (const spec of browser) {
      order.push(spec);
      before += weight(spec);
      const upTo = Math.round((before / total) * rest.length);
      order.push(...rest.slice(taken, upTo));
      taken = upTo;
    }
    order.push(...rest.slice(taken));
    return order;
  }
}
