// png_stats FILE: what a screenshot shows, as `key value` lines, for the browser tests of the
// HTML reports (tests/reports/browser_report_test.py). Reads 8-bit RGB or RGBA PNGs without
// interlacing (what Chromium writes) and prints the size, the background (the top-left
// pixel), the share of pixels that differ from it, and the first and last row and column
// where any pixel does (-1 when none does). Exits 2 on a file it cannot read.
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "png_stats: %s\n", message.c_str());
  std::exit(2);
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a);
  const int pb = std::abs(p - b);
  const int pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) fail("usage: png_stats FILE");
  std::ifstream file(argv[1], std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) fail("not a PNG file");

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::size_t channels = 0;
  std::string compressed;
  for (std::size_t at = 8; at + 8 <= bytes.size();) {
    const std::uint32_t length = big_endian(bytes, at);
    const std::string type = bytes.substr(at + 4, 4);
    if (at + 12 + length > bytes.size()) fail("truncated chunk");
    const std::size_t data = at + 8;
    if (type == "IHDR") {
      width = big_endian(bytes, data);
      height = big_endian(bytes, data + 4);
      const int depth = static_cast<unsigned char>(bytes[data + 8]);
      const int colour = static_cast<unsigned char>(bytes[data + 9]);
      const int interlace = static_cast<unsigned char>(bytes[data + 12]);
      if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0)
        fail("not an 8-bit RGB(A) PNG without interlacing");
      channels = colour == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed.append(bytes, data, length);
    } else if (type == "IEND") {
      break;
    }
    at = data + length + 4;
  }
  if (width == 0 || height == 0) fail("no image header");

  const std::size_t stride = width * channels;
  std::vector<unsigned char> raw(height * (stride + 1));
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                 static_cast<uLong>(compressed.size())) != Z_OK ||
      raw_size != raw.size()) {
    fail("image data does not inflate to its size");
  }

  // Undo the per-row filters (PNG specification, section 9).
  std::vector<unsigned char> pixels(height * stride);
  for (std::size_t row = 0; row < height; ++row) {
    const int filter = raw[row * (stride + 1)];
    const unsigned char* in = &raw[row * (stride + 1) + 1];
    unsigned char* out = &pixels[row * stride];
    const unsigned char* above = row > 0 ? &pixels[(row - 1) * stride] : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int left = i >= channels ? out[i - channels] : 0;
      const int up = above ? above[i] : 0;
      const int up_left = above && i >= channels ? above[i - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = left; break;
        case 2: predicted = up; break;
        case 3: predicted = (left + up) / 2; break;
        case 4: predicted = paeth(left, up, up_left); break;
        default: fail("unknown row filter");
      }
      out[i] = static_cast<unsigned char>((in[i] + predicted) & 0xFF);
    }
  }

  const std::array<unsigned char, 3> background{pixels[0], pixels[1], pixels[2]};
  std::uint64_t differing = 0;
  long first_row = -1, last_row = -1, first_column = -1, last_column = -1;
  for (std::size_t row = 0; row < height; ++row) {
    for (std::size_t column = 0; column < width; ++column) {
      const unsigned char* pixel = &pixels[row * stride + column * channels];
      if (pixel[0] == background[0] && pixel[1] == background[1] && pixel[2] == background[2]) continue;
      ++differing;
      if (first_row < 0) first_row = static_cast<long>(row);
      last_row = static_cast<long>(row);
      if (first_column < 0 || static_cast<long>(column) < first_column) first_column = static_cast<long>(column);
      if (static_cast<long>(column) > last_column) last_column = static_cast<long>(column);
    }
  }
  std::printf("width %u\nheight %u\nbackground %u %u %u\n", width, height, background[0], background[1], background[2]);
  std::printf("differing_share %.6f\n", static_cast<double>(differing) / (static_cast<double>(width) * height));
  std::printf("first_row %ld\nlast_row %ld\nfirst_column %ld\nlast_column %ld\n", first_row, last_row, first_column,
              last_column);
  return 0;
}
