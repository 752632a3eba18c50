/* A switch-dispatched bytecode interpreter (a small stack machine), the shape of every
 * scripting-language core loop: GCC compiles the switch to a jump table. */
#include "cbench.h"

enum opcode {
  OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHL, OP_SHR,
  OP_LT, OP_JZ, OP_JMP, OP_DUP, OP_OVER, OP_SWAP, OP_CALL, OP_RET, OP_HALT,
};

#define STACK_DEPTH 32
#define FRAMES 8
#define VARS 4
#define VAR_I 0
#define VAR_N 1
#define VAR_SUM 2

/* Byte offsets of the program's labels. */
#define L_LOOP 4
#define L_END 37
#define L_F 38

/* for (i = 0; i < n; i++) sum = f(sum ^ i) + (i * i & 255);
 * where f(v) = ((v << 3) - v) ^ (v >>> 5). */
static const u8 program[] = {
  /*  0 */ OP_PUSH, 0, OP_STORE, VAR_I,
  /*  4 */ OP_LOAD, VAR_I, OP_LOAD, VAR_N, OP_LT, OP_JZ, L_END,
  /* 11 */ OP_LOAD, VAR_SUM, OP_LOAD, VAR_I, OP_XOR, OP_CALL, L_F,
  /* 18 */ OP_LOAD, VAR_I, OP_DUP, OP_MUL, OP_PUSH, 255, OP_AND, OP_ADD, OP_STORE, VAR_SUM,
  /* 28 */ OP_LOAD, VAR_I, OP_PUSH, 1, OP_ADD, OP_STORE, VAR_I, OP_JMP, L_LOOP,
  /* 37 */ OP_HALT,
  /* 38 */ OP_DUP, OP_PUSH, 3, OP_SHL, OP_OVER, OP_SUB, OP_SWAP, OP_PUSH, 5, OP_SHR, OP_XOR,
  /* 49 */ OP_RET,
};

static NOINLINE u32 run(const u8 *code, u32 *vars) {
  u32 stack[STACK_DEPTH];
  u32 frames[FRAMES];
  int sp = 0;
  int fp = 0;
  u32 pc = 0;
  for (;;) {
    u32 a;
    switch (code[pc++]) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
      case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
      case OP_ADD: a = stack[--sp]; stack[sp - 1] += a; break;
      case OP_SUB: a = stack[--sp]; stack[sp - 1] -= a; break;
      case OP_MUL: a = stack[--sp]; stack[sp - 1] *= a; break;
      case OP_AND: a = stack[--sp]; stack[sp - 1] &= a; break;
      case OP_XOR: a = stack[--sp]; stack[sp - 1] ^= a; break;
      case OP_SHL: a = stack[--sp]; stack[sp - 1] <<= a & 31; break;
      case OP_SHR: a = stack[--sp]; stack[sp - 1] >>= a & 31; break;
      case OP_LT: a = stack[--sp]; stack[sp - 1] = stack[sp - 1] < a; break;
      case OP_JZ: a = code[pc++]; if (stack[--sp] == 0) pc = a; break;
      case OP_JMP: pc = code[pc]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_OVER: stack[sp] = stack[sp - 2]; sp++; break;
      case OP_SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
      case OP_CALL: frames[fp++] = pc + 1; pc = code[pc]; break;
      case OP_RET: pc = frames[--fp]; break;
      case OP_HALT: return vars[VAR_SUM];
      default: return 0xBADC0DEu;
    }
  }
}

/* The same computation in C, to check the interpreter. */
static u32 reference(u32 n, u32 sum) {
  for (u32 i = 0; i < n; i++) {
    u32 v = sum ^ i;
    sum = (((v << 3) - v) ^ (v >> 5)) + ((i * i) & 255);
  }
  return sum;
}

#define INTERP_ITERATIONS 300

u32 interp_kernel(u32 seed) {
  u32 vars[VARS] = { 0, INTERP_ITERATIONS + (seed & 15), seed, 0 };
  u32 got = run(program, vars);
  u32 want = reference(vars[VAR_N], seed);
  return got ^ (got == want ? 0 : 0xBAD1u);
}
