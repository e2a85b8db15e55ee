// The IR's ownership rule (ir/IR.h): pointers to IR nodes survive the IR
// growing. Lowering holds a `const Storage *` from findStorage while it
// lowers an assignment's right-hand side, which can inline calls that add
// storage; with storage in a std::vector that pointer dangled (a
// heap-use-after-free under AddressSanitizer, stale data without it).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "driver/Frontend.h"
#include "ir/IR.h"
#include "ir/Printer.h"
#include "lower/Lower.h"

namespace dlc::ir {
namespace {

TEST(IrOwnership, StoragePointersSurviveAppends) {
  Module module;
  module.storages.push_back(Storage{"first", Storage::Var, TensorType{DType::F32, {}}});
  const Storage *first = module.findStorage("first");
  ASSERT_NE(first, nullptr);
  // Far more appends than any small-vector growth would absorb.
  for (int i = 0; i < 1000; ++i)
    module.storages.push_back(Storage{"s" + std::to_string(i), Storage::Var, TensorType{DType::F32, {}}});
  EXPECT_EQ(first, module.findStorage("first"));
  EXPECT_EQ(first->name, "first");
  EXPECT_EQ(first->type.dtype, DType::F32);
}

TEST(IrOwnership, ValuesAndOpsKeepTheirAddresses) {
  Module module;
  Op *op = module.append(module.main(), OpKind::Fill, {}, TensorType{DType::F32, {}}, SourceLoc{});
  Value *value = op->result;
  for (int i = 0; i < 1000; ++i) module.append(module.main(), OpKind::Fill, {}, TensorType{DType::F32, {}}, SourceLoc{});
  EXPECT_EQ(module.main().ops.front().get(), op);
  EXPECT_EQ(value->def, op);
  EXPECT_EQ(value->owner, &module.main());
}

// The case that failed under ASan (test/lit/e2e/data-train.dl): an
// assignment whose right-hand side inlines calls that add storage after the
// target's storage was looked up; the value stored is then cast and shaped
// through the pointer kept across them.
TEST(IrOwnership, AssignmentAcrossStorageGrowth) {
  std::string text =
      "model Net {\n"
      "    layer fc = Linear(2, 2)\n"
      "    fn forward(x: f32[N, 2]) -> f32[N, 2] = fc(x)\n"
      "}\n"
      "seed(0)\n"
      "let x = randn([8, 2])\n"
      "let y = i32(x[:, 0] > 0)\n"
      "let net = Net()\n"
      "var worst = 0.0\n"
      "for step in 0..3 {\n"
      "    worst = max(worst, cross_entropy(net(x), y))\n"
      "}\n"
      "print(worst)\n";
  Compilation compilation;
  ASSERT_TRUE(compilation.run("assign.dl", &text)) << [&] {
    std::ostringstream out;
    compilation.diags.render(out);
    return out.str();
  }();
  auto module = lower::lowerProgram(*compilation.program, compilation.sources, compilation.diags);
  ASSERT_NE(module, nullptr);
  size_t target = module->storages.size();
  for (size_t i = 0; i < module->storages.size(); ++i)
    if (module->storages[i].name.find("worst") != std::string::npos) target = i;
  ASSERT_LT(target, module->storages.size());
  // The right-hand side really did add storage after the target's.
  EXPECT_GT(module->storages.size(), target + 1);
  EXPECT_EQ(module->storages[target].type.dtype, DType::F32);
}

}  // namespace
}  // namespace dlc::ir
