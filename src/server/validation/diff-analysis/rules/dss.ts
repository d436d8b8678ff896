import type { Rule } from '../types.js';

/** The DSS and the validation data in it (PAdES B-LT): allowed after any signature. */
export const dssRule: Rule = (ctx, num) => (ctx.dssObjects.has(num) ? [{ change: 'dss', needs: 1 }] : null);
