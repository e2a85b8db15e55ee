// The back end end to end: IR built by hand → compileModule → a standalone
// executable → its output, compared with what PyTorch 1.13 prints for the
// same computation (the expected texts were produced by torch; see the
// comment above each).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "CodegenTestSupport.h"

namespace dlc::codegen::testing {
namespace {

using ir::OpKind;
constexpr DType F32 = DType::F32, F64 = DType::F64, I32 = DType::I32, Bool = DType::Bool;

ir::Attrs axisAttrs(int64_t axis, bool keepdim = false) {
  ir::Attrs a;
  a.axis = axis;
  a.keepdim = keepdim;
  return a;
}

ir::Attrs allAxes(bool keepdim = false) {
  ir::Attrs a;
  a.allAxes = true;
  a.keepdim = keepdim;
  return a;
}

ir::Attrs named(const std::string &name) {
  ir::Attrs a;
  a.name = name;
  return a;
}

// torch.manual_seed(0); X = torch.randint(0, 10, (1, 4)).float(); A1 = torch.rand(4, 5);
// A2 = torch.rand(5, 3); A3 = torch.rand(3, 2); h3 = X @ A1 @ A2 @ A3;
// print(A3); print(h3); A3 -= 1e-3 * 1.2; print(A3)   (LANGUAGE.md 6.2)
TEST_F(CodegenTest, SeededTensorsAndMatmulMatchPyTorch) {
  ProgramBuilder p;
  p.storage("var.A3", tensor(F32, {3, 2}));
  p.statement(OpKind::Seed, {p.i32(0)});
  ir::Attrs range;
  range.lo = 0;
  range.hi = 10;
  ir::Value *x = p.op(OpKind::Randint, {}, tensor(F32, {1, 4}), range);
  ir::Value *a1 = p.op(OpKind::Rand, {}, tensor(F32, {4, 5}));
  ir::Value *h1 = p.op(OpKind::MatMul, {x, a1}, tensor(F32, {1, 5}));
  ir::Value *a2 = p.op(OpKind::Rand, {}, tensor(F32, {5, 3}));
  ir::Value *h2 = p.op(OpKind::MatMul, {h1, a2}, tensor(F32, {1, 3}));
  p.statement(OpKind::Store, {p.op(OpKind::Rand, {}, tensor(F32, {3, 2}))}, named("var.A3"));
  ir::Value *a3 = p.op(OpKind::Load, {}, tensor(F32, {3, 2}), named("var.A3"));
  ir::Value *h3 = p.op(OpKind::MatMul, {h2, a3}, tensor(F32, {1, 2}));
  p.printEach({a3, h3});
  ir::Value *step = p.op(OpKind::Sub, {p.op(OpKind::Load, {}, tensor(F32, {3, 2}), named("var.A3")), p.f32(1e-3 * 1.2)},
                         tensor(F32, {3, 2}));
  p.statement(OpKind::Store, {step}, named("var.A3"));
  p.print({p.op(OpKind::Load, {}, tensor(F32, {3, 2}), named("var.A3"))});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "tensor([[0.7423, 0.5263],\n"
            "        [0.2437, 0.5846],\n"
            "        [0.0332, 0.1387]])\n"
            "tensor([[10.8821, 16.5001]])\n"
            "tensor([[0.7411, 0.5251],\n"
            "        [0.2425, 0.5834],\n"
            "        [0.0320, 0.1375]])\n");
  // The same binary prints the same bytes every time.
  RunResult again = run(path("program"));
  EXPECT_EQ(again.out, r.out);
}

// sigmoid(x) = where(x >= 0, 1 / (1 + e), e / (1 + e)) with e = exp(-|x|), as
// the stdlib writes it; LANGUAGE.md 6.1's forward pass in f64.
ir::Value *sigmoid(ProgramBuilder &p, ir::Value *x) {
  TensorType t = x->type;
  ir::Value *e = p.op(OpKind::Exp, {p.op(OpKind::Neg, {p.op(OpKind::Abs, {x}, t)}, t)}, t);
  ir::Value *one = p.f64(1);
  ir::Value *denominator = p.op(OpKind::Add, {one, e}, t);
  ir::Value *positive = p.op(OpKind::Ge, {x, p.f64(0)}, TensorType{Bool, t.dims});
  return p.op(OpKind::Select,
              {positive, p.op(OpKind::Div, {one, denominator}, t), p.op(OpKind::Div, {e, denominator}, t)}, t);
}

TEST_F(CodegenTest, BackpropForwardPassGivesTheGoldenNumbers) {
  ProgramBuilder p;
  ir::Value *x = p.constant(tensor(F64, {1, 2}), {0.1, 0.2});
  ir::Value *w1 = p.constant(tensor(F64, {2, 2}), {0.3, 0.4, 0.25, 0.35});
  ir::Value *w2 = p.constant(tensor(F64, {2, 2}), {0.45, 0.7, 0.4, 0.6});
  ir::Value *target = p.constant(tensor(F64, {1, 2}), {0.4, 0.6});
  TensorType row = tensor(F64, {1, 2});
  ir::Value *h = sigmoid(p, p.op(OpKind::MatMul, {x, w1}, row));
  ir::Value *out = sigmoid(p, p.op(OpKind::MatMul, {h, w2}, row));
  ir::Value *square = p.op(OpKind::Pow, {p.op(OpKind::Sub, {target, out}, row), p.f64(2)}, row);
  ir::Value *e = p.op(OpKind::Sum, {p.op(OpKind::Mul, {p.f64(0.5), square}, row)}, TensorType{F64, {}}, allAxes());
  p.print({out}, {}, 8);
  p.print({e});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tensor([[0.60944600, 0.66384491]], dtype=f64)\n0.02397190\n");
}

#include "ExpectedOutputs.inc"

// a, b, c, ai, bi, p as in the comments of ExpectedOutputs.inc.
TEST_F(CodegenTest, ElementwiseOpsMatchPyTorch) {
  ProgramBuilder p;
  TensorType m = tensor(F32, {2, 3}), mb = tensor(Bool, {2, 3}), mi = tensor(I32, {2, 3});
  ir::Value *a = p.constant(m, {1.5, -2.25, 3.0, 0.0, -0.5, 7.0});
  ir::Value *b = p.constant(tensor(F32, {3}), {2.0, -3.0, 0.5});
  ir::Value *c = p.constant(tensor(F32, {2, 1}), {2.0, -1.0});
  auto bin = [&](OpKind k, ir::Value *x, ir::Value *y, TensorType t) { return p.op(k, {x, y}, t); };
  auto un = [&](OpKind k, ir::Value *x, TensorType t) { return p.op(k, {x}, t); };
  ir::Value *absA = un(OpKind::Abs, a, m);
  ir::Value *positiveA = bin(OpKind::Gt, a, p.f32(0), mb);
  ir::Value *positiveB = bin(OpKind::Gt, b, p.f32(0), tensor(Bool, {3}));
  p.printEach({bin(OpKind::Add, a, b, m), bin(OpKind::Sub, a, b, m), bin(OpKind::Mul, a, b, m),
               bin(OpKind::Div, a, b, m), bin(OpKind::Mod, a, b, m), bin(OpKind::Pow, absA, b, m),
               bin(OpKind::Maximum, a, b, m), bin(OpKind::Minimum, a, b, m), bin(OpKind::Lt, a, b, mb),
               bin(OpKind::Eq, a, b, mb), p.op(OpKind::Select, {bin(OpKind::Gt, a, b, mb), a, b}, m),
               un(OpKind::Neg, a, m), absA, un(OpKind::Sqrt, absA, m), un(OpKind::Exp, a, m),
               un(OpKind::Log, bin(OpKind::Add, absA, p.f32(1), m), m), un(OpKind::Tanh, a, m),
               un(OpKind::Sin, a, m), un(OpKind::Cos, a, m), un(OpKind::Cast, a, mi), un(OpKind::Cast, positiveA, m),
               un(OpKind::Not, positiveA, mb), bin(OpKind::And, positiveA, positiveB, mb),
               bin(OpKind::Or, positiveA, positiveB, mb), bin(OpKind::Mul, c, b, m)});
  ir::Value *ai = p.constant(mi, {7, -7, 5, -5, 3, 0});
  ir::Value *bi = p.constant(tensor(I32, {3}), {2, -3, 4});
  p.printEach({bin(OpKind::Add, ai, bi, mi), bin(OpKind::Mul, ai, bi, mi), bin(OpKind::Div, ai, bi, mi),
               bin(OpKind::Mod, ai, bi, mi), bin(OpKind::Maximum, ai, bi, mi), bin(OpKind::Pow, ai, p.i32(2), mi)});
  TensorType v = tensor(F32, {4});
  ir::Value *powBase = p.constant(v, {0.3, 1.7, 2.5, 9.0});
  for (double exponent : {2.0, 0.5, -1.0, 3.0, 1.7, -0.5, -2.0}) p.print({bin(OpKind::Pow, powBase, p.f32(exponent), v)});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kElementwise);
}

// x = (torch.arange(24.) * 0.37 - 3).reshape(2, 3, 4) with x[1, 2, 0] = x[1, 2, 3].
TEST_F(CodegenTest, ReductionsMatchPyTorch) {
  ProgramBuilder p;
  std::vector<double> data;
  for (int i = 0; i < 24; ++i) data.push_back(static_cast<float>(static_cast<float>(i) * 0.37f - 3.0f));
  data[20] = data[23];
  TensorType t = tensor(F32, {2, 3, 4});
  ir::Value *x = p.constant(t, data);
  TensorType scalar{F32, {}};
  p.printEach({p.op(OpKind::Sum, {x}, scalar, allAxes()), p.op(OpKind::Sum, {x}, tensor(F32, {1, 3, 4}), axisAttrs(0, true)),
               p.op(OpKind::Sum, {x}, tensor(F32, {2, 3}), axisAttrs(-1)),
               p.op(OpKind::Mean, {x}, tensor(F32, {2, 1, 4}), axisAttrs(1, true)),
               p.op(OpKind::ReduceMax, {x}, tensor(F32, {2, 3}), axisAttrs(2)),
               p.op(OpKind::ReduceMin, {x}, tensor(F32, {3, 4}), axisAttrs(0)),
               p.op(OpKind::Argmax, {x}, tensor(I32, {2, 3}), axisAttrs(2)),
               p.op(OpKind::Mean, {x}, scalar, allAxes()), p.op(OpKind::Argmax, {x}, TensorType{I32, {}}, allAxes())});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kReduce);
}

// x = [[1, 2, 3], [4, 5, 6]], v = [10, 20, 30].
TEST_F(CodegenTest, MovementOpsMatchPyTorch) {
  ProgramBuilder p;
  TensorType m = tensor(F32, {2, 3});
  ir::Value *x = p.constant(m, {1, 2, 3, 4, 5, 6});
  ir::Value *v = p.constant(tensor(F32, {3}), {10, 20, 30});
  ir::Value *column = p.constant(tensor(F32, {2, 1}), {10, 20});
  ir::Value *labels = p.constant(tensor(I32, {3}), {2, 0, 1});
  auto index = [&](std::vector<ir::IndexItem> items, std::vector<ir::Value *> operands, TensorType t) {
    ir::Attrs attrs;
    attrs.items = std::move(items);
    operands.insert(operands.begin(), x);
    return p.op(OpKind::Index, operands, t, attrs);
  };
  ir::IndexItem all{true, -1, -1};
  ir::Attrs axis0 = axisAttrs(0), axis1 = axisAttrs(1);
  p.printEach({p.op(OpKind::Transpose, {x}, tensor(F32, {3, 2})), p.op(OpKind::Reshape, {x}, tensor(F32, {3, 2})),
               p.op(OpKind::BroadcastTo, {v}, m), p.op(OpKind::ReduceTo, {x}, tensor(F32, {3})),
               p.op(OpKind::ReduceTo, {x}, tensor(F32, {2, 1})),
               p.op(OpKind::Concat, {x, p.op(OpKind::Mul, {x, p.f32(2)}, m)}, tensor(F32, {4, 3}), axis0),
               p.op(OpKind::Concat, {x, column}, tensor(F32, {2, 4}), axis1),
               p.op(OpKind::Stack, {v, p.op(OpKind::Add, {v, p.f32(1)}, tensor(F32, {3}))}, m),
               p.op(OpKind::OneHot, {labels}, tensor(F32, {3, 3})),
               index({{false, 1, -1}}, {p.i32(1)}, tensor(F32, {3})),
               index({all, {false, 1, -1}}, {p.i32(1)}, tensor(F32, {2})),
               index({{false, 1, -1}, {true, 2, 3}}, {p.i32(-1), p.i32(0), p.i32(2)}, tensor(F32, {2})),
               index({{true, 1, 2}}, {p.i32(0), p.i32(5)}, m),
               index({all, {true, 1, -1}}, {p.i32(-2)}, tensor(F32, {2, 2})),
               index({{false, 1, -1}, {false, 2, -1}}, {p.i32(1), p.i32(2)}, TensorType{F32, {}})});
  ir::Attrs gradItems;
  gradItems.items = {all, {false, 1, -1}};
  ir::Value *grad = p.constant(tensor(F32, {2}), {10, 20});
  p.print({p.op(OpKind::IndexGrad, {grad, p.i32(1)}, m, gradItems)});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kMovement);
}

// torch.manual_seed(7); randn(5); rand(3, f64); uniform_(-1, 2) of 4;
// normal_(1, 0.5) of 3 in f64; randint(-3, 3, (6,)).
TEST_F(CodegenTest, RandomDrawsMatchPyTorch) {
  ProgramBuilder p;
  p.statement(OpKind::Seed, {p.i32(7)});
  ir::Attrs range;
  range.lo = -3;
  range.hi = 3;
  p.printEach({p.op(OpKind::Randn, {}, tensor(F32, {5})), p.op(OpKind::Rand, {}, tensor(F64, {3})),
               p.op(OpKind::Uniform, {p.f32(-1), p.f32(2)}, tensor(F32, {4})),
               p.op(OpKind::Normal, {p.f64(1), p.f64(0.5)}, tensor(F64, {3})),
               p.op(OpKind::Randint, {}, tensor(I32, {6}), range)});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kRandom);
}

TEST_F(CodegenTest, PrintJoinsTextAndValuesLikePython) {
  ProgramBuilder p;
  p.print({p.f32(0.5), p.i32(3), p.boolean(true)}, {"loss", "step", "ok", ""});
  p.print({p.f64(3.14159)}, {}, 2);
  ir::Value *pair = p.constant(tensor(F32, {2}), {1.5, 2});
  p.print({pair, p.f32(-0.25)}, {"", "", "end"});
  p.print({pair}, {}, 2);
  p.print({p.constant(tensor(Bool, {2}), {1, 0})});
  p.print({}, {"hello world"});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "loss 0.50000000 step 3 ok true\n"
            "3.14\n"
            "tensor([1.5000, 2.0000]) -0.25000000 end\n"
            "tensor([1.50, 2.00])\n"
            "tensor([ True, False])\n"
            "hello world\n");
}

// var acc = 0.0; for i in 0..5 { if i % 2 == 0 { acc += f32(i) } else { acc -= 1 };
// print("i", i, "acc", acc) }; print("final", acc)
TEST_F(CodegenTest, ForIfAndStorage) {
  ProgramBuilder p;
  TensorType scalar{F32, {}};
  p.storage("var.acc", scalar);
  p.statement(OpKind::Store, {p.f32(0)}, named("var.acc"));
  ir::Value *i = p.beginFor(p.i32(0), p.i32(5));
  ir::Value *acc = p.op(OpKind::Load, {}, scalar, named("var.acc"));
  ir::Value *even = p.op(OpKind::Eq, {p.op(OpKind::Mod, {i, p.i32(2)}, TensorType{I32, {}}), p.i32(0)}, TensorType{Bool, {}});
  ir::Op *branch = p.beginIf(even);
  p.statement(OpKind::Store, {p.op(OpKind::Add, {acc, p.op(OpKind::Cast, {i}, scalar)}, scalar)}, named("var.acc"));
  p.elseBranch(branch);
  p.statement(OpKind::Store, {p.op(OpKind::Sub, {acc, p.f32(1)}, scalar)}, named("var.acc"));
  p.end(branch);
  p.print({i, p.op(OpKind::Load, {}, scalar, named("var.acc"))}, {"i", "acc", ""});
  p.endLast();
  p.print({p.op(OpKind::Load, {}, scalar, named("var.acc"))}, {"final", ""});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "i 0 acc 0.00000000\n"
            "i 1 acc -1.00000000\n"
            "i 2 acc 1.00000000\n"
            "i 3 acc 0.00000000\n"
            "i 4 acc 4.00000000\n"
            "final 4.00000000\n");
}

// for i in 0..3 { let z = f32(arange(i + 1)) * 2 + 1; print(z, sum(z)); v = z }
// then v (f32[n], n known only at run time): its size, a reshape to [1, n],
// rand(n) after seed(0), and ones(n) + v.
TEST_F(CodegenTest, SymbolicSizesComeFromRunTimeValues) {
  ProgramBuilder p;
  Dim n = Dim::of(p.symbol("n"));
  TensorType vec = symbolic(F32, {n});
  p.storage("var.v", vec);
  ir::Value *i = p.beginFor(p.i32(0), p.i32(3));
  ir::Value *count = p.op(OpKind::Add, {i, p.i32(1)}, TensorType{I32, {}});
  ir::Value *range = p.op(OpKind::Arange, {count}, symbolic(I32, {n}));
  ir::Value *z = p.op(OpKind::Add, {p.op(OpKind::Mul, {p.op(OpKind::Cast, {range}, vec), p.f32(2)}, vec), p.f32(1)}, vec);
  p.print({z, p.op(OpKind::Sum, {z}, TensorType{F32, {}}, allAxes())});
  p.statement(OpKind::Store, {z}, named("var.v"));
  p.endLast();
  ir::Value *v = p.op(OpKind::Load, {}, vec, named("var.v"));
  ir::Attrs axis0;
  ir::Value *size = p.op(OpKind::SizeOf, {v}, TensorType{I32, {}}, axis0);
  p.print({size, v}, {"size", "last", ""});
  p.print({p.op(OpKind::Reshape, {v, size}, symbolic(F32, {Dim::fixed(1), n}))});
  p.statement(OpKind::Seed, {p.i32(0)});
  p.print({p.op(OpKind::Rand, {size}, vec)});
  ir::Attrs one;
  one.value = 1;
  p.print({p.op(OpKind::Add, {p.op(OpKind::Fill, {size}, vec, one), v}, vec)});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "tensor([1.]) 1.00000000\n"
            "tensor([1., 3.]) 4.00000000\n"
            "tensor([1., 3., 5.]) 9.00000000\n"
            "size 3 last tensor([1., 3., 5.])\n"
            "tensor([[1., 3., 5.]])\n"
            "tensor([0.4963, 0.7682, 0.0885])\n"
            "tensor([2., 4., 6.])\n");
}

TEST_F(CodegenTest, RunTimeSizeMismatchIsAnError) {
  ProgramBuilder p;
  Dim n = Dim::of(p.symbol("n")), m = Dim::of(p.symbol("m"));
  ir::Value *a = p.op(OpKind::Fill, {p.i32(3)}, symbolic(F32, {n}));
  ir::Value *b = p.op(OpKind::Fill, {p.i32(4)}, symbolic(F32, {m}));
  p.print({}, {"before"});
  p.print({p.op(OpKind::Add, {a, b}, symbolic(F32, {n}))});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "before\n");
  EXPECT_EQ(r.err, "error: sizes 4 and 3 do not broadcast in dimension 0\n");
}

TEST_F(CodegenTest, IndexOutOfBoundsIsAnError) {
  ProgramBuilder p;
  ir::Value *x = p.constant(tensor(F32, {3}), {1, 2, 3});
  ir::Attrs items;
  items.items = {{false, 1, -1}};
  p.print({p.op(OpKind::Index, {x, p.op(OpKind::Add, {p.i32(4), p.i32(1)}, TensorType{I32, {}})}, TensorType{F32, {}}, items)});
  RunResult r = compileAndRun(p.module);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "error: index 5 is out of bounds for dimension 0 with size 3\n");
}

TEST_F(CodegenTest, CommandLineOptions) {
  ProgramBuilder p;
  p.print({}, {"ran"});
  std::string exe = path("program");
  ASSERT_TRUE(compile(p.module, exe));
  RunResult help = run(exe, "--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage:"), std::string::npos);
  EXPECT_EQ(help.out.find("ran"), std::string::npos);
  RunResult threads = run(exe, "--threads=2 --quiet --device=cpu");
  EXPECT_EQ(threads.status, 0) << threads.err;
  EXPECT_EQ(threads.out, "ran\n");
  RunResult bad = run(exe, "--bogus");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "error: unknown option '--bogus' (see --help)\n");
  EXPECT_EQ(run(exe, "--threads=0").status, 2);
}

TEST_F(CodegenTest, EmitsLlvmAssemblyAndObjects) {
  ProgramBuilder p;
  TensorType m = tensor(F32, {2, 2});
  ir::Value *a = p.constant(m, {1, 2, 3, 4});
  p.print({p.op(OpKind::Add, {p.op(OpKind::MatMul, {a, a}, m), p.op(OpKind::Mul, {a, a}, m)}, m)});
  std::string llvmText, asmText, diagnostics;
  ASSERT_TRUE(compile(p.module, "", &diagnostics, "llvm", &llvmText)) << diagnostics;
  EXPECT_NE(llvmText.find("i32 @main("), std::string::npos);
  EXPECT_NE(llvmText.find("x86_64-pc-linux-gnu"), std::string::npos);
  // Exact PyTorch numbers: no contraction into FMA, no fast-math flags on
  // any instruction (the GEMM's FMAs are explicit llvm.fma calls, its tile
  // kernels internal functions that LLVM may give the fastcc convention).
  EXPECT_EQ(llvmText.find("contract"), std::string::npos);
  EXPECT_EQ(llvmText.find("fmuladd"), std::string::npos);
  EXPECT_FALSE(std::regex_search(llvmText, std::regex(" (fast|reassoc|nnan|ninf|nsz|arcp|afn) ")));
  ASSERT_TRUE(compile(p.module, "", &diagnostics, "asm", &asmText)) << diagnostics;
  size_t mainAt = asmText.find("\nmain:");
  ASSERT_NE(mainAt, std::string::npos);
  // main's own code (up to its .size directive) has no FMA: only the GEMM's tiles do.
  size_t mainEnd = asmText.find(".size\tmain", mainAt);
  EXPECT_EQ(asmText.substr(mainAt, mainEnd - mainAt).find("vfmadd"), std::string::npos);
  std::string object = path("program.o");
  ASSERT_TRUE(compile(p.module, object, &diagnostics, "obj")) << diagnostics;
  std::ifstream file(object, std::ios::binary);
  char magic[4] = {};
  file.read(magic, 4);
  EXPECT_EQ(std::string(magic, 4), "\x7f" "ELF");
  // emit=llvm into a file writes the same text.
  std::string llFile = path("program.ll");
  ASSERT_TRUE(compile(p.module, llFile, &diagnostics, "llvm"));
  std::ifstream ll(llFile);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(ll), {}), llvmText);
}

TEST_F(CodegenTest, GradOpsAreRejected) {
  ProgramBuilder p;
  ir::Value *x = p.f32(2);
  p.print({p.op(OpKind::Grad, {x, x}, TensorType{F32, {}})});
  std::string diagnostics;
  EXPECT_FALSE(compile(p.module, path("program"), &diagnostics));
  EXPECT_NE(diagnostics.find("autodiff"), std::string::npos) << diagnostics;
  EXPECT_FALSE(std::filesystem::exists(path("program")));
}

// With a matrix product the module has many functions, so on two or more
// cores its code goes into two objects (SplitCodegen.h): neither is left
// behind either.
TEST_F(CodegenTest, FailedLinkLeavesNoOutput) {
  ProgramBuilder p;
  p.print({}, {"x"});
  ir::Value *a = p.op(OpKind::Rand, {}, tensor(F32, {4, 5}));
  p.print({p.op(OpKind::MatMul, {a, p.op(OpKind::Rand, {}, tensor(F32, {5, 3}))}, tensor(F32, {4, 3}))});
  const char *saved = std::getenv("DLC_RUNTIME_LIBRARY");
  std::string previous = saved ? saved : "";
  ::setenv("DLC_RUNTIME_LIBRARY", path("missing.a").c_str(), 1);
  std::string diagnostics;
  EXPECT_FALSE(compile(p.module, path("program"), &diagnostics));
  if (saved) ::setenv("DLC_RUNTIME_LIBRARY", previous.c_str(), 1);
  else ::unsetenv("DLC_RUNTIME_LIBRARY");
  EXPECT_NE(diagnostics.find("runtime library"), std::string::npos) << diagnostics;
  for (auto &entry : std::filesystem::directory_iterator(dir_)) ADD_FAILURE() << "left behind: " << entry.path();
}

}  // namespace
}  // namespace dlc::codegen::testing
