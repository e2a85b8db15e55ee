// The data services of dl_data.h on files written here, good and bad: CSV,
// NPY, IDX and safetensors. Each test works in its own temporary folder.
#include "dl_data.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

class DataTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(dl_context_create(&ctx), DL_OK);
    std::string pattern = (fs::temp_directory_path() / "dl-data-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    dl_context_destroy(ctx);
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  std::string path(const std::string &name) const { return (dir / name).string(); }
  std::string write(const std::string &name, const std::string &bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }
  std::string writeGzip(const std::string &name, const std::string &bytes) const {
    gzFile file = gzopen(path(name).c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    gzclose(file);
    return path(name);
  }
  std::string error() const { return dl_context_last_error(ctx); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    return names;
  }

  dl_context *ctx = nullptr;
  fs::path dir;
};

// ---- CSV ----------------------------------------------------------------------

struct Csv {
  float *x = nullptr;
  void *y = nullptr;
  int64_t rows = -1;
  ~Csv() {
    dl_data_free(x);
    dl_data_free(y);
  }
  int32_t label(int64_t i) const { return static_cast<const int32_t *>(y)[i]; }
  float target(int64_t i) const { return static_cast<const float *>(y)[i]; }
};

TEST_F(DataTest, CsvClassificationWithAutoHeader) {
  std::string file = write("a.csv", "f1,f2,f3,label\r\n1,2,3,0\r\n\r\n 4.5 , -6e-1,\"7\",2\r\n");
  Csv csv;
  ASSERT_EQ(dl_csv_load(ctx, file.c_str(), 3, -1, 3, -1, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  ASSERT_EQ(csv.rows, 2);
  std::vector<float> x(csv.x, csv.x + 6);
  EXPECT_EQ(x, (std::vector<float>{1, 2, 3, 4.5f, -0.6f, 7}));
  EXPECT_EQ(csv.label(0), 0);
  EXPECT_EQ(csv.label(1), 2);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(csv.x) % 64, 0u);
}

TEST_F(DataTest, CsvRegressionLabelInTheFirstColumnNoHeader) {
  std::string file = write("r.csv", "0.25,1,2\n-3.5,4,5");
  Csv csv;
  ASSERT_EQ(dl_csv_load(ctx, file.c_str(), 2, 0, 0, 0, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  ASSERT_EQ(csv.rows, 2);
  EXPECT_EQ(std::vector<float>(csv.x, csv.x + 4), (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(csv.target(0), 0.25f);
  EXPECT_EQ(csv.target(1), -3.5f);
}

TEST_F(DataTest, CsvValuesRoundFromDouble) {
  // As numpy.loadtxt(...).astype(float32): parse as double, then round.
  std::string file = write("p.csv", "0.1,16777217,1e-50,0\n");
  Csv csv;
  ASSERT_EQ(dl_csv_load(ctx, file.c_str(), 3, -1, 1, 0, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  EXPECT_EQ(csv.x[0], static_cast<float>(0.1));
  EXPECT_EQ(csv.x[1], 16777216.0f);
  EXPECT_EQ(csv.x[2], 0.0f);
}

TEST_F(DataTest, CsvGzip) {
  std::string file = writeGzip("g.csv.gz", "1,2,1\n3,4,0\n");
  Csv csv;
  ASSERT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 2, -1, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  EXPECT_EQ(csv.rows, 2);
  EXPECT_EQ(csv.x[2], 3.0f);
  EXPECT_EQ(csv.label(0), 1);
}

TEST_F(DataTest, CsvTruncatedGzip) {
  std::string whole = path("whole.gz");
  writeGzip("whole.gz", std::string(10000, '1') + ",2\n");
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string file = write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 1, -1, 0, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': truncated gzip data (unexpected end of file)");
  EXPECT_EQ(csv.x, nullptr);
}

TEST_F(DataTest, CsvWrongColumnCount) {
  std::string file = write("w.csv", "1,2,3,0\n1,2,0\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 3, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":2: expected 4 columns (3 features and a label), found 3");
  EXPECT_EQ(csv.x, nullptr);
  EXPECT_EQ(csv.y, nullptr);
  EXPECT_EQ(csv.rows, -1);
}

TEST_F(DataTest, CsvHeaderWithWrongColumnCount) {
  std::string file = write("h.csv", "a,b\n1,2,3\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 0, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":1: expected 3 columns (2 features and a label), found 2 in the header");
}

TEST_F(DataTest, CsvNonNumericCell) {
  std::string file = write("n.csv", "x,y,z,label\n1,2,3,0\n4,5,abc,1\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 3, -1, 2, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":3: column 3 is not a number: 'abc'");
}

TEST_F(DataTest, CsvForcedNoHeaderRejectsTheHeader) {
  std::string file = write("f.csv", "x,label\n1,0\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 1, -1, 2, 0, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":1: column 1 is not a number: 'x'");
  // header = 1 skips the first line even when it is numeric.
  std::string numeric = write("n.csv", "9,9\n1,0\n");
  ASSERT_EQ(dl_csv_load(ctx, numeric.c_str(), 1, -1, 2, 1, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  EXPECT_EQ(csv.rows, 1);
  EXPECT_EQ(csv.x[0], 1.0f);
}

TEST_F(DataTest, CsvEmptyCell) {
  std::string file = write("e.csv", "1,,0\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 2, 0, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":1: column 2 is empty, expected a number");
}

TEST_F(DataTest, CsvLabelOutOfRange) {
  std::string file = write("l.csv", "1,2,9\n1,2,10\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":2: label (column 3) must be a class index in [0, 10), found '10'");
}

TEST_F(DataTest, CsvLabelNotAnInteger) {
  std::string file = write("l.csv", "1,2,2.5\n");
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":1: label (column 3) must be a class index in [0, 10), found '2.5'");
}

TEST_F(DataTest, CsvMissingFile) {
  Csv csv;
  std::string file = path("nope.csv");
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_IO);
  EXPECT_EQ(error(), "cannot open '" + file + "': No such file or directory");
}

TEST_F(DataTest, CsvDirectoryAndEmptyFile) {
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, dir.c_str(), 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_IO);
  EXPECT_EQ(error(), "cannot open '" + dir.string() + "': Is a directory");
  std::string file = write("empty.csv", "a,b,c\n\n");
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': no data rows (expected lines of 3 comma-separated numbers)");
}

TEST_F(DataTest, CsvArguments) {
  Csv csv;
  EXPECT_EQ(dl_csv_load(ctx, "x.csv", 0, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_ARG);
  EXPECT_EQ(dl_csv_load(ctx, "x.csv", 2, 3, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_ARG);
  EXPECT_EQ(dl_csv_load(ctx, nullptr, 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_ARG);
  EXPECT_EQ(dl_csv_load(nullptr, "x.csv", 2, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_ARG);
}

TEST_F(DataTest, CsvDigitsExample) {
  // The checked-in data set that LANGUAGE.md 6.3 trains on.
  std::string file = std::string(DL_SOURCE_DIR) + "/examples/data/digits.csv";
  Csv csv;
  ASSERT_EQ(dl_csv_load(ctx, file.c_str(), 64, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_OK) << error();
  EXPECT_EQ(csv.rows, 1797);
  EXPECT_EQ(csv.x[2], 5.0f); // the first row: 0,0,5,13,...
  EXPECT_EQ(csv.label(0), 0);
  EXPECT_EQ(csv.label(1796), 8);
  EXPECT_EQ(dl_csv_load(ctx, file.c_str(), 63, -1, 10, -1, &csv.x, &csv.y, &csv.rows), DL_ERR_DATA);
  EXPECT_EQ(error(), file + ":1: expected 64 columns (63 features and a label), found 65");
}

// ---- NPY ----------------------------------------------------------------------

// A version-1 NPY file as numpy.save writes it.
std::string npy(const std::string &descr, const std::string &shape, const std::string &data,
                bool fortran = false, int major = 1) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  size_t prefix = major == 1 ? 10 : 12;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY") + char(major) + char(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    bytes += char((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

template <typename T> std::string raw(std::initializer_list<T> values) {
  std::string bytes;
  for (T value : values)
    bytes.append(reinterpret_cast<const char *>(&value), sizeof value);
  return bytes;
}

TEST_F(DataTest, NpyFloat32Matrix) {
  std::string file = write("m.npy", npy("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6.5f})));
  void *data = nullptr;
  int64_t dims[2] = {0, 0};
  const int64_t want[2] = {-1, 3};
  ASSERT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 2, want, &data, dims), DL_OK) << error();
  EXPECT_EQ(dims[0], 2);
  EXPECT_EQ(dims[1], 3);
  EXPECT_EQ(static_cast<float *>(data)[5], 6.5f);
  dl_data_free(data);
}

TEST_F(DataTest, NpyConversions) {
  void *data = nullptr;
  int64_t dims[1];
  std::string f8 = write("f8.npy", npy("<f8", "(2,)", raw<double>({0.1, -3.0})));
  ASSERT_EQ(dl_npy_load(ctx, f8.c_str(), DL_F32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<float *>(data)[0], static_cast<float>(0.1));
  dl_data_free(data);
  ASSERT_EQ(dl_npy_load(ctx, f8.c_str(), DL_I32, 1, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + f8 + "': element [0] is 0.10000000000000001, which i32 cannot hold exactly");

  std::string u1 = write("u1.npy", npy("|u1", "(3,)", std::string("\x00\x07\xff", 3)));
  ASSERT_EQ(dl_npy_load(ctx, u1.c_str(), DL_I32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<int32_t *>(data)[2], 255);
  dl_data_free(data);
  ASSERT_EQ(dl_npy_load(ctx, u1.c_str(), DL_F32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<float *>(data)[1], 7.0f);
  dl_data_free(data);

  std::string i4 = write("i4.npy", npy("<i4", "(2,)", raw<int32_t>({-5, 1 << 30}), false, 2));
  ASSERT_EQ(dl_npy_load(ctx, i4.c_str(), DL_I32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<int32_t *>(data)[0], -5);
  dl_data_free(data);
  ASSERT_EQ(dl_npy_load(ctx, i4.c_str(), DL_F64, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<double *>(data)[1], 1073741824.0);
  dl_data_free(data);

  std::string big = write("big.npy", npy(">i4", "(1,)", std::string("\x00\x00\x01\x02", 4), false, 3));
  ASSERT_EQ(dl_npy_load(ctx, big.c_str(), DL_I32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<int32_t *>(data)[0], 258);
  dl_data_free(data);
}

TEST_F(DataTest, NpyScalarAndEmpty) {
  void *data = nullptr;
  std::string scalar = write("s.npy", npy("<f4", "()", raw<float>({2.5f})));
  ASSERT_EQ(dl_npy_load(ctx, scalar.c_str(), DL_F32, 0, nullptr, &data, nullptr), DL_OK) << error();
  EXPECT_EQ(*static_cast<float *>(data), 2.5f);
  dl_data_free(data);
  std::string empty = write("e.npy", npy("<f4", "(0, 4)", ""));
  int64_t dims[2];
  ASSERT_EQ(dl_npy_load(ctx, empty.c_str(), DL_F32, 2, nullptr, &data, dims), DL_OK) << error();
  EXPECT_NE(data, nullptr);
  EXPECT_EQ(dims[0], 0);
  EXPECT_EQ(dims[1], 4);
  dl_data_free(data);
}

TEST_F(DataTest, NpyTruncated) {
  std::string file = write("t.npy", npy("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5})));
  void *data = reinterpret_cast<void *>(0x1);
  int64_t dims[2] = {7, 7};
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 2, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': truncated: shape [2, 3] of f4 needs 24 bytes of data, the file has 20");
  EXPECT_EQ(data, reinterpret_cast<void *>(0x1));
  EXPECT_EQ(dims[0], 7);
  // Converted elements go through another path.
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F64, 2, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': truncated: shape [2, 3] of f4 needs 24 bytes of data, the file has 20");
  std::string header = write("h.npy", npy("<f4", "(2, 3)", "").substr(0, 30));
  EXPECT_EQ(dl_npy_load(ctx, header.c_str(), DL_F32, 2, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + header + "': truncated NPY header (118 bytes announced, 20 present)");
}

TEST_F(DataTest, NpyTrailingBytes) {
  std::string file = write("x.npy", npy("<f4", "(1,)", raw<float>({1, 2})));
  void *data = nullptr;
  int64_t dims[1];
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 1, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': 4 bytes after the data (shape [1] of f4 is 4 bytes): the header does not "
                                  "describe the file");
}

TEST_F(DataTest, NpyBadMagic) {
  std::string file = write("b.npy", "PK\x03\x04 this is a zip archive");
  void *data = nullptr;
  int64_t dims[1];
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 1, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': not an NPY file (it does not start with \"\\x93NUMPY\")");
}

TEST_F(DataTest, NpyFortranOrder) {
  std::string file = write("f.npy", npy("<f4", "(2, 2)", raw<float>({1, 2, 3, 4}), true));
  void *data = nullptr;
  int64_t dims[2];
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 2, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_NE(error().find("the array is in Fortran order (fortran_order: True)"), std::string::npos) << error();
}

TEST_F(DataTest, NpyShapeAndDtypeChecks) {
  std::string file = write("s.npy", npy("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6})));
  void *data = nullptr;
  int64_t dims[3];
  const int64_t want[2] = {-1, 4};
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 2, want, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': expected shape [any, 4], found shape [2, 3] (dimension 1 is 3, not 4)");
  EXPECT_EQ(dl_npy_load(ctx, file.c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': expected 3 dimensions, found shape [2, 3] (2 dimensions)");
  std::string c8 = write("c.npy", npy("<c8", "(1,)", raw<float>({1, 2})));
  EXPECT_EQ(dl_npy_load(ctx, c8.c_str(), DL_F32, 1, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + c8 + "': dtype '<c8' is not supported (f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 are)");
  std::string bad = write("bad.npy", npy("<f4", "(2, x)", ""));
  EXPECT_EQ(dl_npy_load(ctx, bad.c_str(), DL_F32, 2, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + bad + "': bad NPY header: 'shape' is not a tuple of sizes");
}

// ---- IDX ----------------------------------------------------------------------

std::string idx(unsigned char type, std::vector<uint32_t> dims, const std::string &data) {
  std::string bytes = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t dim : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes += static_cast<char>((dim >> shift) & 0xff);
  return bytes + data;
}

TEST_F(DataTest, IdxImagesAndLabels) {
  std::string pixels;
  for (int i = 0; i < 2 * 3 * 2; ++i)
    pixels += static_cast<char>(i * 20);
  std::string images = writeGzip("images-idx3-ubyte.gz", idx(0x08, {2, 3, 2}, pixels));
  void *data = nullptr;
  int64_t dims[3];
  const int64_t want[3] = {-1, 3, 2};
  ASSERT_EQ(dl_idx_load(ctx, images.c_str(), DL_F32, 3, want, &data, dims), DL_OK) << error();
  EXPECT_EQ(dims[0], 2);
  EXPECT_EQ(static_cast<float *>(data)[11], 220.0f);
  dl_data_free(data);

  std::string labels = write("labels-idx1-ubyte", idx(0x08, {3}, std::string("\x07\x00\x09", 3)));
  ASSERT_EQ(dl_idx_load(ctx, labels.c_str(), DL_I32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<int32_t *>(data)[0], 7);
  EXPECT_EQ(static_cast<int32_t *>(data)[2], 9);
  dl_data_free(data);

  std::string floats = write("f-idx", idx(0x0D, {1}, std::string("\x3f\xc0\x00\x00", 4)));
  ASSERT_EQ(dl_idx_load(ctx, floats.c_str(), DL_F32, 1, nullptr, &data, dims), DL_OK) << error();
  EXPECT_EQ(static_cast<float *>(data)[0], 1.5f);
  dl_data_free(data);
}

TEST_F(DataTest, IdxTruncated) {
  std::string file = writeGzip("t.gz", idx(0x08, {10, 28, 28}, std::string(1000, '\x01')));
  void *data = nullptr;
  int64_t dims[3];
  EXPECT_EQ(dl_idx_load(ctx, file.c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': truncated: shape [10, 28, 28] of u1 needs 7840 bytes of data, the file has 1000");
  std::string header = write("h", idx(0x08, {10, 28, 28}, "").substr(0, 9));
  EXPECT_EQ(dl_idx_load(ctx, header.c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + header + "': truncated IDX header (3 dimensions need 12 bytes of sizes, the file has 5)");
}

TEST_F(DataTest, IdxBadMagic) {
  std::string file = write("b", std::string("\x1f\x8c\x08\x03", 4));
  void *data = nullptr;
  int64_t dims[3];
  EXPECT_EQ(dl_idx_load(ctx, file.c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': not an IDX file (it starts with 1f 8c 08 03, expected 00 00, a type byte 08, 09, "
                                  "0b, 0c, 0d or 0e, and the rank)");
  std::string empty = write("e", "");
  EXPECT_EQ(dl_idx_load(ctx, empty.c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_DATA);
  EXPECT_NE(error().find("not an IDX file (it starts with nothing"), std::string::npos) << error();
  EXPECT_EQ(dl_idx_load(ctx, path("missing").c_str(), DL_F32, 3, nullptr, &data, dims), DL_ERR_IO);
  EXPECT_EQ(error(), "cannot open '" + path("missing") + "': No such file or directory");
}

TEST_F(DataTest, IdxWrongRank) {
  std::string file = write("r", idx(0x08, {4}, "abcd"));
  void *data = nullptr;
  int64_t dims[3];
  const int64_t want[3] = {-1, 28, 28};
  EXPECT_EQ(dl_idx_load(ctx, file.c_str(), DL_F32, 3, want, &data, dims), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': expected shape [any, 28, 28], found shape [4] (1 dimensions)");
}

// ---- safetensors --------------------------------------------------------------

// Two tensors in the shapes of a small layer.
struct Layer {
  std::vector<float> weight = {1.5f, -2, 3.25f, 4, 5, 6};
  std::vector<double> bias = {0.1, 0.2};
  std::vector<int32_t> steps = {7};
  int64_t weightDims[2] = {3, 2};
  int64_t biasDims[1] = {2};
  const char *names[3] = {"fc.W", "fc.b", "steps"};
  dl_dtype dtypes[3] = {DL_F32, DL_F64, DL_I32};
  int ranks[3] = {2, 1, 0};
  const int64_t *dims[3] = {weightDims, biasDims, nullptr};
  const void *data[3] = {weight.data(), bias.data(), steps.data()};
};

TEST_F(DataTest, SafetensorsRoundTrip) {
  Layer layer;
  std::string file = path("layer.safetensors");
  ASSERT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_OK)
      << error();
  EXPECT_EQ(files(), std::vector<std::string>{"layer.safetensors"}); // no temporary left

  std::vector<float> weight(6);
  std::vector<double> bias(2);
  int32_t steps = 0;
  void *out[3] = {weight.data(), bias.data(), &steps};
  ASSERT_EQ(dl_safetensors_load(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims, out),
            DL_OK)
      << error();
  EXPECT_EQ(weight, layer.weight);
  EXPECT_EQ(bias, layer.bias);
  EXPECT_EQ(steps, 7);

  // The header as written: 8-byte aligned, widest elements first.
  std::ifstream in(file, std::ios::binary);
  uint64_t length = 0;
  in.read(reinterpret_cast<char *>(&length), 8);
  std::string header(length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(length));
  EXPECT_EQ(length % 8, 0u);
  EXPECT_EQ(header.substr(0, header.find_last_not_of(' ') + 1),
            "{\"__metadata__\":{\"format\":\"pt\"},"
            "\"fc.W\":{\"data_offsets\":[16,40],\"dtype\":\"F32\",\"shape\":[3,2]},"
            "\"fc.b\":{\"data_offsets\":[0,16],\"dtype\":\"F64\",\"shape\":[2]},"
            "\"steps\":{\"data_offsets\":[40,44],\"dtype\":\"I32\",\"shape\":[]}}");
}

TEST_F(DataTest, SafetensorsLoadMismatches) {
  Layer layer;
  std::string file = path("layer.safetensors");
  ASSERT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_OK);
  std::vector<float> weight(8, -1.0f);
  std::vector<double> bias(2, -1.0);
  int32_t steps = -1;
  void *out[3] = {weight.data(), bias.data(), &steps};

  // A different shape; no buffer is touched.
  int64_t otherDims[2] = {4, 2};
  const int64_t *dims[3] = {otherDims, layer.biasDims, nullptr};
  EXPECT_EQ(dl_safetensors_load(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, dims, out), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': tensor 'fc.W' has shape [3, 2], expected [4, 2]");
  EXPECT_EQ(weight[0], -1.0f);
  EXPECT_EQ(bias[0], -1.0);

  // A different dtype.
  dl_dtype dtypes[3] = {DL_F32, DL_F32, DL_I32};
  EXPECT_EQ(dl_safetensors_load(ctx, file.c_str(), 3, layer.names, dtypes, layer.ranks, layer.dims, out), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "': tensor 'fc.b' is F64, expected F32");

  // A missing tensor.
  const char *names[3] = {"fc.W", "fc.bias", "steps"};
  EXPECT_EQ(dl_safetensors_load(ctx, file.c_str(), 3, names, layer.dtypes, layer.ranks, layer.dims, out), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "' has no tensor 'fc.bias' (it holds 'fc.W', 'fc.b', 'steps')");

  // Extra tensors in the file.
  EXPECT_EQ(dl_safetensors_load(ctx, file.c_str(), 1, layer.names, layer.dtypes, layer.ranks, layer.dims, out),
            DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + file + "' holds tensors that were not asked for: 'fc.b', 'steps'");
  EXPECT_EQ(weight[0], -1.0f);

  // Missing file.
  EXPECT_EQ(dl_safetensors_load(ctx, path("none").c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims, out),
            DL_ERR_IO);
  EXPECT_EQ(error(), "cannot open '" + path("none") + "': No such file or directory");
}

TEST_F(DataTest, SafetensorsCorruptFiles) {
  Layer layer;
  std::string file = path("layer.safetensors");
  ASSERT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_OK);
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> weight(6);
  std::vector<double> bias(2);
  int32_t steps = 0;
  void *out[3] = {weight.data(), bias.data(), &steps};
  auto load = [&](const std::string &name, const std::string &contents) {
    std::string corrupt = write(name, contents);
    return dl_safetensors_load(ctx, corrupt.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims, out);
  };
  EXPECT_EQ(load("cut", bytes.substr(0, bytes.size() - 3)), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + path("cut") + "': truncated: the header describes 44 bytes of tensor data, the file has 41");
  EXPECT_EQ(load("short", "abc"), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + path("short") + "': not a safetensors file (3 bytes, too short for the 8-byte header length)");
  EXPECT_EQ(load("long", std::string("\xff\xff\xff\xff\0\0\0\0{}", 10)), DL_ERR_DATA);
  EXPECT_NE(error().find("header length 4294967295 exceeds the 2 bytes after the 8-byte length field"), std::string::npos) << error();
  EXPECT_EQ(load("json", std::string("\x08\0\0\0\0\0\0\0{\"a\":   ", 16)), DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + path("json") + "': not a safetensors file (its header is not a JSON object)");
  std::string gap = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
  EXPECT_EQ(load("gap", std::string(1, char(gap.size())) + std::string(7, '\0') + gap + std::string(8, '\0')),
            DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + path("gap") + "': tensor 'x' starts at data offset 4, expected 0 (tensors must tile the "
                                         "data without gaps or overlaps)");
  std::string span = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}";
  EXPECT_EQ(load("span", std::string(1, char(span.size())) + std::string(7, '\0') + span + std::string(4, '\0')),
            DL_ERR_DATA);
  EXPECT_EQ(error(), "'" + path("span") + "': tensor 'x' spans 4 bytes, but F32 [2] needs 8");
}

TEST_F(DataTest, SafetensorsFailedSaveLeavesNoFile) {
  Layer layer;
  // Into a folder that does not exist.
  std::string missing = path("no/such/folder/m.safetensors");
  EXPECT_EQ(dl_safetensors_save(ctx, missing.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_ERR_IO);
  EXPECT_EQ(error(), "cannot write '" + missing + "': No such file or directory");
  EXPECT_TRUE(files().empty());

  // Onto a folder: the data is written, the rename fails, the temporary goes.
  fs::create_directory(path("taken"));
  fs::create_directory(path("taken/inside"));
  std::string taken = path("taken");
  EXPECT_EQ(dl_safetensors_save(ctx, taken.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_ERR_IO);
  EXPECT_EQ(error(), "cannot write '" + taken + "': rename: Is a directory (nothing was saved)");
  EXPECT_EQ(files(), std::vector<std::string>{"taken"});

  // A failed save keeps the previous file as it was.
  std::string file = path("keep.safetensors");
  write("keep.safetensors", "previous contents");
  layer.ranks[0] = -1;
  EXPECT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, layer.names, layer.dtypes, layer.ranks, layer.dims,
                                layer.data),
            DL_ERR_ARG);
  std::ifstream in(file);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "previous contents");
}

TEST_F(DataTest, SafetensorsSaveArguments) {
  Layer layer;
  std::string file = path("a.safetensors");
  const char *twice[3] = {"fc.W", "fc.W", "steps"};
  EXPECT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, twice, layer.dtypes, layer.ranks, layer.dims, layer.data),
            DL_ERR_ARG);
  EXPECT_EQ(error(), "dl_safetensors_save: tensor 'fc.W' is named twice");
  const char *metadata[3] = {"fc.W", "__metadata__", "steps"};
  EXPECT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, metadata, layer.dtypes, layer.ranks, layer.dims, layer.data),
            DL_ERR_ARG);
  const char *badUtf8[3] = {"fc.W", "\xff", "steps"};
  EXPECT_EQ(dl_safetensors_save(ctx, file.c_str(), 3, badUtf8, layer.dtypes, layer.ranks, layer.dims, layer.data),
            DL_ERR_ARG);
  EXPECT_EQ(error(), "dl_safetensors_save: a tensor name is not valid UTF-8");
  EXPECT_TRUE(files().empty());
  // No tensors at all is a valid (empty) file.
  EXPECT_EQ(dl_safetensors_save(ctx, file.c_str(), 0, nullptr, nullptr, nullptr, nullptr, nullptr), DL_OK) << error();
  EXPECT_EQ(dl_safetensors_load(ctx, file.c_str(), 0, nullptr, nullptr, nullptr, nullptr, nullptr), DL_OK) << error();
}

} // namespace
