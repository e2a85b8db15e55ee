// dl_progress_update: the progress line of batch loops (dl_training.h).
//
// The line goes to stderr and only when both stdout and stderr are
// terminals (decided by dl_program_start), so piped or redirected output is
// byte for byte what it is without it. It is redrawn in place ("\r", the
// text, "erase to the end of the line") at most ten times a second, cut to
// the terminal's width so that it never wraps, and erased ("\r", erase)
// before anything is printed and when the context is destroyed.
#include "Context.h"
#include "dl_training.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace dl {
namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// 1:05, 1:02:03
std::string duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7)
    return "?";
  long total = static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

int terminalColumns() {
  struct winsize size;
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return 80;
}

} // namespace

void clearProgress(const dl_context *ctx) {
  if (ctx == nullptr || !ctx->progress.visible)
    return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  ctx->progress.visible = false;
}

} // namespace dl

extern "C" {

int dl_progress_update(dl_context *ctx, int64_t epoch, int64_t epochs, int64_t batch, int64_t batches,
                       int has_loss, double loss) {
  DL_CHECK_CONTEXT(ctx);
  dl::ProgressLine &p = ctx->progress;
  if (!p.enabled)
    return DL_OK;
  const double t = dl::now();
  if (p.started < 0)
    p.started = t;
  ++p.steps;
  if (epoch != p.epoch || batch == 0) {
    p.epoch = epoch;
    p.lossSum = 0;
    p.losses = 0;
  }
  if (has_loss) {
    p.lossSum += loss;
    ++p.losses;
  }
  if (p.drawn >= 0 && t - p.drawn < 0.1)
    return DL_OK;
  p.drawn = t;

  std::string line;
  if (epochs > 0)
    line += "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs) + "  ";
  line += "batch " + std::to_string(batch + 1) + "/" + std::to_string(batches);
  char number[64];
  if (p.losses > 0) {
    std::snprintf(number, sizeof number, "  loss %.4f", p.lossSum / static_cast<double>(p.losses));
    line += number;
  }
  const double elapsed = t - p.started;
  if (p.steps > 1 && elapsed > 0) {
    const double rate = static_cast<double>(p.steps - 1) / elapsed;
    std::snprintf(number, sizeof number, "  %.1f batches/s", rate);
    line += number;
    int64_t left = batches - batch - 1;
    if (epochs > 0)
      left += (epochs - epoch - 1) * batches;
    if (rate > 0)
      line += "  ETA " + dl::duration(static_cast<double>(left) / rate);
  }
  const size_t width = static_cast<size_t>(dl::terminalColumns()) - 1;
  if (line.size() > width)
    line.resize(width);
  std::fflush(stdout);
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
  p.visible = true;
  return DL_OK;
}

} // extern "C"
