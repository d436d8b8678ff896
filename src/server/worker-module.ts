/**
 * A worker thread's module beside `base` (the caller's import.meta.url), loaded as the caller
 * was: compiled JavaScript under `npm start` (dist/), or the TypeScript sources through tsx in
 * tests and `npm run dev`.
 */
export function workerModule(name: string, base: string): { filename: string; execArgv: string[] } {
  const compiled = base.endsWith('.js');
  return { filename: new URL(`./${name}.${compiled ? 'js' : 'ts'}`, base).href, execArgv: compiled ? [] : ['--import', 'tsx'] };
}
