# -*- Python -*-
# lit configuration for dlc's tests. The build's paths come from the generated
# lit.site.cfg.py, passed as `--param dlc_site_config=...` (scripts/test.sh and
# ctest do this); it sets them and then loads this file.

import os

import lit.formats

# Run directly (`lit test/lit/...` with the param) this file is found first:
# hand over to the site config, which loads this file again with paths set.
if not hasattr(config, "dlc_bin"):
    site_config = lit_config.params.get("dlc_site_config")
    if not site_config:
        lit_config.fatal("pass --param dlc_site_config=<build>/test/lit/lit.site.cfg.py")
    lit_config.load_config(config, site_config)
else:
    config.name = "dlc"
    config.test_format = lit.formats.ShTest(True)
    config.suffixes = [".dl", ".test"]
    config.excludes = ["Inputs"]

    config.test_source_root = os.path.dirname(os.path.abspath(__file__))
    config.test_exec_root = config.dlc_obj_root

    # A sanitizer build (DLC_SANITIZE): dlc links ASan+UBSan into every program.
    if getattr(config, "dlc_sanitize", False):
        config.available_features.add("sanitize")
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                config.environment[name] = os.environ[name]

    tools = config.llvm_tools_dir
    config.substitutions.append(("%dlc", config.dlc_bin))
    config.substitutions.append(("%stdlib", os.path.join(config.dlc_src_root, "stdlib")))
    config.substitutions.append(("%examples", os.path.join(config.dlc_src_root, "examples")))
    config.substitutions.append(("%python", "/usr/bin/python3"))
    # Compilers for the programs that link a library from --emit=lib (test/lit/lib):
    # in a sanitizer build the library's runtime needs ASan and UBSan, and UBSan's
    # C++ part is linked by the C++ driver (%clink links C objects).
    sanitized = getattr(config, "dlc_sanitize", False)
    sanitize_flags = " -fsanitize=address,undefined" if sanitized else ""
    config.substitutions.append(("%clink", ("clang++-19" if sanitized else "cc") + sanitize_flags))
    config.substitutions.append(("%cc", ("clang-19" if sanitized else "cc") + sanitize_flags))
    config.substitutions.append(("%cxx", ("clang++-19" if sanitized else "c++") + sanitize_flags))
    # Whole words only, so `not` inside a path or a CHECK line stays as written.
    config.substitutions.append((r"\bFileCheck\b", os.path.join(tools, "FileCheck")))
    config.substitutions.append((r"(?<![-\w/.])not(?![-\w/.])", os.path.join(tools, "not")))

    config.environment["PATH"] = os.pathsep.join(
        [tools, config.environment.get("PATH", os.environ.get("PATH", ""))])
    # Tests compare diagnostics and printed numbers: keep the output plain.
    config.environment["LC_ALL"] = "C"
    config.environment.pop("COLUMNS", None)

    # CUDA (test/lit/cuda): `ptxas` when the toolkit's PTX assembler is found
    # (%ptxas), `libdevice` when dlc can compile --target=cuda programs that
    # call exp/log/..., `cuda` only when a GPU is usable (cuInit and a device).
    import ctypes
    import shutil
    cuda_home = os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH") or "/usr/local/cuda"
    ptxas = shutil.which("ptxas") or os.path.join(cuda_home, "bin", "ptxas")
    if os.access(ptxas, os.X_OK):
        config.available_features.add("ptxas")
        config.substitutions.append(("%ptxas", ptxas))
    libdevice = [os.environ.get("DLC_LIBDEVICE", ""), os.path.join(cuda_home, "nvvm/libdevice/libdevice.10.bc"),
                 "/usr/lib/nvidia-cuda-toolkit/libdevice/libdevice.10.bc"]
    if any(p and os.access(p, os.R_OK) for p in libdevice):
        config.available_features.add("libdevice")
    for name in ("CUDA_HOME", "CUDA_PATH", "DLC_LIBDEVICE", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES"):
        if name in os.environ:
            config.environment[name] = os.environ[name]
    try:
        driver = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        if driver.cuInit(0) == 0 and driver.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0:
            config.available_features.add("cuda")
    except OSError:
        pass
    stub = os.path.join(cuda_home, "lib64", "stubs", "libcuda.so")
    if os.access(stub, os.R_OK):
        config.available_features.add("cuda-stub")
        config.substitutions.append(("%cuda_stub", stub))
