// dl_csv_load: numeric CSV files into features and labels.
//
// The file is read whole (decompressed when it is gzip), then split into
// lines and cells in one pass. Every problem is reported with the file name,
// the 1-based line and column, and what was expected; nothing is returned
// until the whole file has been checked.
#include "DataSupport.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

using dl::fail;
using dl::data::inQuotes;

// Spaces, tabs and a carriage return (CRLF files) around a cell, then one
// pair of double quotes.
std::string_view trimCell(std::string_view cell) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!cell.empty() && isSpace(cell.front()))
    cell.remove_prefix(1);
  while (!cell.empty() && isSpace(cell.back()))
    cell.remove_suffix(1);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"')
    cell = cell.substr(1, cell.size() - 2);
  return cell;
}

// The whole cell as a number (locale-independent), or false.
bool parseNumber(std::string_view cell, double *value) {
  if (!cell.empty() && cell.front() == '+')
    cell.remove_prefix(1);
  if (cell.empty() || cell.front() == '+')
    return false;
  auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), *value);
  return error == std::errc() && end == cell.data() + cell.size();
}

bool isBlank(std::string_view line) { return trimCell(line).empty() && line.find('"') == std::string_view::npos; }

std::vector<std::string_view> splitCells(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    cells.push_back(trimCell(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos)
      return cells;
    start = comma + 1;
  }
}

bool allNumbers(const std::vector<std::string_view> &cells) {
  double value;
  for (std::string_view cell : cells)
    if (!parseNumber(cell, &value))
      return false;
  return true;
}

struct Buffers {
  void *x = nullptr;
  void *y = nullptr;
  ~Buffers() {
    dl_data_free(x);
    dl_data_free(y);
  }
};

} // namespace

extern "C" int dl_csv_load(dl_context *ctx, const char *path, int64_t features, int64_t label_column,
                           int64_t classes, int header, float **x, void **y, int64_t *rows) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || x == nullptr || y == nullptr || rows == nullptr)
    return fail(ctx, DL_ERR_ARG, "dl_csv_load: null argument");
  if (features < 1)
    return fail(ctx, DL_ERR_ARG, "dl_csv_load: needs at least one feature, got " + std::to_string(features));
  if (label_column < -1 || label_column > features)
    return fail(ctx, DL_ERR_ARG,
                "dl_csv_load: label column " + std::to_string(label_column) + " is outside the " +
                    std::to_string(features + 1) + " columns");
  if (classes < 0 || classes > INT32_MAX)
    return fail(ctx, DL_ERR_ARG, "dl_csv_load: invalid class count " + std::to_string(classes));
  if (header < -1 || header > 1)
    return fail(ctx, DL_ERR_ARG, "dl_csv_load: header must be -1, 0 or 1, got " + std::to_string(header));

  dl::data::InputFile in;
  if (int status = in.open(ctx, path))
    return status;
  std::string text;
  if (int status = in.readAll(ctx, &text))
    return status;

  const std::string name = path;
  const size_t columns = static_cast<size_t>(features) + 1;
  const size_t label = label_column < 0 ? columns - 1 : static_cast<size_t>(label_column);
  const std::string columnsExpected = "expected " + std::to_string(columns) + " columns (" +
                                      std::to_string(features) + (features == 1 ? " feature" : " features") +
                                      " and a label)";
  auto at = [&](int64_t line) { return name + ":" + std::to_string(line) + ": "; };

  std::vector<float> xs;
  std::vector<int32_t> labels;
  std::vector<float> targets;
  bool headerDecided = header != -1;
  bool skipNext = header == 1;
  int64_t lineNumber = 0;
  std::string_view rest(text);
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    ++lineNumber;
    if (isBlank(line))
      continue;
    if (lineNumber == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") // a UTF-8 byte order mark
      line.remove_prefix(3);
    std::vector<std::string_view> cells = splitCells(line);
    if (!headerDecided) {
      headerDecided = true;
      skipNext = !allNumbers(cells);
    }
    if (cells.size() != columns)
      return fail(ctx, DL_ERR_DATA,
                  at(lineNumber) + columnsExpected + ", found " + std::to_string(cells.size()) +
                      (skipNext ? " in the header" : ""));
    if (skipNext) {
      skipNext = false;
      continue;
    }
    for (size_t column = 0; column < columns; ++column) {
      std::string_view cell = cells[column];
      std::string where = "column " + std::to_string(column + 1);
      double value;
      if (cell.empty())
        return fail(ctx, DL_ERR_DATA, at(lineNumber) + where + " is empty, expected a number");
      if (!parseNumber(cell, &value))
        return fail(ctx, DL_ERR_DATA,
                    at(lineNumber) + where + " is not a number: " + inQuotes(std::string(cell)));
      if (column == label && classes > 0) {
        if (!(value == std::trunc(value) && value >= 0 && value < static_cast<double>(classes)))
          return fail(ctx, DL_ERR_DATA,
                      at(lineNumber) + "label (" + where + ") must be a class index in [0, " +
                          std::to_string(classes) + "), found " + inQuotes(std::string(cell)));
        labels.push_back(static_cast<int32_t>(value));
        continue;
      }
      float single = static_cast<float>(value);
      if (std::isinf(single) && std::isfinite(value))
        return fail(ctx, DL_ERR_DATA,
                    at(lineNumber) + where + " is out of the range of f32: " + inQuotes(std::string(cell)));
      if (column == label)
        targets.push_back(single);
      else
        xs.push_back(single);
    }
  }

  int64_t count = static_cast<int64_t>(classes > 0 ? labels.size() : targets.size());
  if (count == 0)
    return fail(ctx, DL_ERR_DATA, inQuotes(name) + ": no data rows (expected lines of " + std::to_string(columns) +
                                      " comma-separated numbers)");

  Buffers out;
  size_t xBytes = xs.size() * sizeof(float);
  size_t yBytes = static_cast<size_t>(count) * 4;
  if (int status = dl::data::allocate(ctx, xBytes, &out.x))
    return status;
  if (int status = dl::data::allocate(ctx, yBytes, &out.y))
    return status;
  std::memcpy(out.x, xs.data(), xBytes);
  std::memcpy(out.y, classes > 0 ? static_cast<const void *>(labels.data()) : targets.data(), yBytes);
  *x = static_cast<float *>(out.x);
  *y = out.y;
  *rows = count;
  out.x = out.y = nullptr;
  return DL_OK;
}
