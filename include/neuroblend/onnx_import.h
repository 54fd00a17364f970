// ONNX import (docs/model-format.md, "ONNX models"): an opset-13 graph as
// PyTorch exports it becomes the model description plus float parameters,
// exactly what load_model + load_params give for the same network written as
// a model file and an .npz. Read with the ONNX protobuf library (Debian's
// libonnx-dev); anything the importer cannot map is an nb::Error naming the
// file, the node (name and op type) and why.
#pragma once
#include <cstddef>
#include <string>

#include "neuroblend/model.h"
#include "neuroblend/params.h"

namespace nb {

struct OnnxModel {
  ModelSpec spec;
  Params params;
};

// True when `path` names an ONNX file (extension .onnx, any case).
bool is_onnx_path(const std::string& path);

// Reads and maps an ONNX file. The model is named after the file (its stem).
OnnxModel import_onnx(const std::string& path);
// The same from bytes in memory; `source` is the file name used in messages
// and for the model name.
OnnxModel import_onnx_bytes(const void* data, size_t size, const std::string& source);

}  // namespace nb
