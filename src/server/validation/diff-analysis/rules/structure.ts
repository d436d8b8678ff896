import { typeName } from '../helpers.js';
import type { Rule } from '../types.js';

/** Object streams only package objects, which the other rules judge one by one. */
export const structureRule: Rule = (ctx, num) => (typeName(ctx.now(num)) === 'ObjStm' ? [] : null);

/** An object written again unchanged is no change. */
export const unchangedRule: Rule = (ctx, num) => {
  const before = ctx.before(num);
  const now = ctx.now(num);
  return before !== undefined && now !== undefined && before.toString() === now.toString() ? [] : null;
};
