/* A stand-in libcuda.so.1 for testing the host side of --target=cuda on a
 * machine without a GPU (device-mock.test). Device memory is host memory;
 * kernels do nothing (so the numbers are meaningless), but every call is
 * checked: a kernel must be an .entry of the loaded PTX, each of its .ptr
 * parameters must point into a live device allocation, copies must stay
 * inside allocations, frees must match allocations. MOCK_CUDA_FAIL_LAUNCH=1
 * makes launches fail (CUDA_ERROR_LAUNCH_FAILED). At exit it reports the
 * allocations still live and the launches seen.
 * Built with -DMOCK_EMULATE and linked with emu_libcuda.cpp and a program's
 * `dlc --emit=kernels-emu` object, launches run the kernels on the CPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long dptr;
struct block { char *base; size_t size; };
static struct block blocks[65536];
static int nblocks, launches, failures;
static char *ptx;
struct function { char name[256]; int params; int isptr[64]; };
static struct function *functions[4096];
static int nfunctions;

static int find(dptr p, size_t n) {
  for (int i = 0; i < nblocks; ++i)
    if ((char *)p >= blocks[i].base && (char *)p + n <= blocks[i].base + blocks[i].size) return i;
  return -1;
}
static int bad(const char *what) {
  fprintf(stderr, "mock: %s\n", what);
  ++failures;
  return 1; /* CUDA_ERROR_INVALID_VALUE */
}

int cuInit(unsigned flags) { (void)flags; return 0; }
int cuGetErrorName(int r, const char **s) {
  *s = r == 0 ? "CUDA_SUCCESS" : r == 719 ? "CUDA_ERROR_LAUNCH_FAILED" : r == 500 ? "CUDA_ERROR_NOT_FOUND" : "CUDA_ERROR_INVALID_VALUE";
  return 0;
}
int cuGetErrorString(int r, const char **s) { (void)r; *s = "reported by the mock driver"; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *d, int i) { *d = i; return 0; }
int cuDeviceGetName(char *name, int len, int d) { (void)d; snprintf(name, (size_t)len, "mock"); return 0; }
int cuDevicePrimaryCtxRetain(void **c, int d) { (void)d; *c = (void *)&blocks; return 0; }
int cuDevicePrimaryCtxRelease_v2(int d) { (void)d; return 0; }
int cuCtxSetCurrent(void *c) { (void)c; return 0; }
int cuCtxSynchronize(void) { return 0; }
int cuModuleLoadDataEx(void **m, const void *image, unsigned n, int *o, void **v) {
  (void)n; (void)o; (void)v;
  if (!strstr((const char *)image, ".target sm_90")) return 218; /* CUDA_ERROR_INVALID_PTX */
  ptx = strdup((const char *)image);
  *m = ptx;
  return 0;
}
int cuModuleUnload(void *m) {
  free(m);
  ptx = NULL;
  while (nfunctions > 0) free(functions[--nfunctions]);
  return 0;
}
int cuModuleGetFunction(void **f, void *m, const char *name) {
  char pattern[300];
  snprintf(pattern, sizeof pattern, ".entry %s(", name);
  const char *at = strstr((const char *)m, pattern);
  if (!at) return 500;
  if (nfunctions == 4096) return 2;
  struct function *fn = calloc(1, sizeof *fn); /* freed with the module */
  functions[nfunctions++] = fn;
  snprintf(fn->name, sizeof fn->name, "%s", name);
  const char *end = strchr(at, ')');
  for (const char *p = strstr(at, ".param"); p && p < end && fn->params < 64; p = strstr(p + 1, ".param")) {
    const char *line = strchr(p, '\n');
    fn->isptr[fn->params++] = strstr(p, ".ptr") != NULL && strstr(p, ".ptr") < line;
  }
  *f = fn;
  return 0;
}
int cuMemAlloc_v2(dptr *p, size_t n) {
  if (n == 0) return bad("cuMemAlloc of 0 bytes");
  if (nblocks == 65536) return 2;
  blocks[nblocks].base = calloc(1, n);
  blocks[nblocks].size = n;
  *p = (dptr)blocks[nblocks++].base;
  return 0;
}
int cuMemFree_v2(dptr p) {
  for (int i = 0; i < nblocks; ++i)
    if ((dptr)blocks[i].base == p) {
      free(blocks[i].base);
      blocks[i] = blocks[--nblocks];
      return 0;
    }
  return bad("cuMemFree of a pointer that is not an allocation");
}
int cuMemcpyHtoD_v2(dptr d, const void *h, size_t n) {
  if (find(d, n) < 0) return bad("cuMemcpyHtoD outside an allocation");
  memcpy((void *)d, h, n);
  return 0;
}
int cuMemcpyDtoH_v2(void *h, dptr d, size_t n) {
  if (find(d, n) < 0) return bad("cuMemcpyDtoH outside an allocation");
  memcpy(h, (void *)d, n);
  return 0;
}
int cuMemcpyDtoD_v2(dptr d, dptr s, size_t n) {
  if (find(d, n) < 0 || find(s, n) < 0) return bad("cuMemcpyDtoD outside an allocation");
  memmove((void *)d, (void *)s, n);
  return 0;
}
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra) {
  struct function *fn = f;
  (void)stream; (void)extra;
  if (getenv("MOCK_CUDA_FAIL_LAUNCH")) return 719;
  if (!gx || !gy || gz != 1 || bx != 256 || by != 1 || bz != 1 || shared) return bad("bad launch shape");
  for (int i = 0; i < fn->params; ++i)
    if (fn->isptr[i] && find(*(dptr *)params[i], 1) < 0) {
      char what[400];
      snprintf(what, sizeof what, "kernel %s: parameter %d is not a device pointer", fn->name, i);
      return bad(what);
    }
  ++launches;
#ifdef MOCK_EMULATE
  int mock_emulate(const char *name, unsigned gx, unsigned gy, unsigned bx, void **params);
  if (mock_emulate(fn->name, gx, gy, bx, params) != 0) return bad("no emulated kernel");
#endif
  return 0;
}

__attribute__((destructor)) static void report(void) {
  if (ptx || launches)
    fprintf(stderr, "mock: %d launches, %d allocations live at exit, %d failures\n", launches, nblocks, failures);
}
