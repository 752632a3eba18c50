/**
 * One setting of the host's JavaScript engine, for speed only (no simulated counter depends on
 * it). V8's optimizing compiler inlines a callee only while the bytecode it has already inlined
 * into the caller stays within a budget (`--max-inlined-bytecode-size-cumulative`, 920 bytes in
 * Node 20). The exit path — Hart.run → Vcpu.resumeAfterExit → leave, attribute, classify,
 * dispatch, the technique's handler, enter — is a chain of small functions well past that
 * budget, and every step left outside costs a call. A budget of 3000 made a trapped CSR write
 * ~17 % and a hypercall ~22 % cheaper in host time (docs/hypervisor.md, "What makes an exit
 * cheap", measured with both budgets in one process).
 *
 * Entry points call tuneV8() before they run guests: the flag is read when a hot function is
 * optimized, which is after start-up.
 */
import { setFlagsFromString } from 'node:v8';

export const INLINING_BUDGET_FLAG = '--max-inlined-bytecode-size-cumulative=3000';

let tuned = false;

export function tuneV8(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(INLINING_BUDGET_FLAG);
}
