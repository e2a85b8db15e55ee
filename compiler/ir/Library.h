// The interface of a library made by `dlc --emit=lib`: one model's forward
// pass, lowered on its own (lower/LowerLibrary.cpp) into a Module whose main
// region reads the input storage, runs the model's `forward` inlined and
// stores its value in the output storage. Its parameters are Param storages
// that nothing in the module assigns; codegen (codegen/Library.cpp) points
// them at the weights a caller loaded, and gives the input storage the
// caller's batch with its run-time size.
#pragma once

#include <string>
#include <vector>

#include "types/Type.h"

namespace dlc::ir {

struct LibraryInterface {
  std::string binding;       // the top-level name of the model: "net"
  std::string display;       // "Mlp(inputs: 64, hidden: 128, classes: 10)"
  std::string sourcePath;    // the .dl file
  // The parameters in PyTorch's parameters() order: their storages
  // ("net.fc1.W"), the names save() gives them ("fc1.W"), their types.
  std::vector<std::string> paramStorages;
  std::vector<std::string> paramNames;
  std::vector<TensorType> paramTypes;
  // The storages of the input and output; both types have the batch
  // (a run-time size) as their first dimension and static sizes after it.
  std::string input, output;
  TensorType inputType, outputType;
};

}  // namespace dlc::ir
