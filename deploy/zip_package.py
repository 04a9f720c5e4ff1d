"""Zip a Lambda package directory (``bootstrap`` + ``bundle/``) reproducibly.

Usage: python3 deploy/zip_package.py DIR OUT.zip

Entries are sorted and dated 1980-01-01 so the same inputs give the same zip; executables
keep mode 0755 (Lambda runs ``bootstrap`` only if it is executable), other files get 0644.

The host uses a precompiled ``.cwasm`` only when it is not older than its ``.wasm`` (else it
compiles the component at cold start). Equal dates satisfy that when the unzipper keeps
them; the ``.cwasm`` files come last so that it holds too when the unzipper dates each file
by the time it wrote it.
"""

import os
import stat
import sys
import zipfile


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root, out = sys.argv[1], sys.argv[2]
    if not os.path.isfile(os.path.join(root, "bootstrap")):
        print(f"{root}/bootstrap is missing", file=sys.stderr)
        return 1
    files = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            files.append((os.path.relpath(path, root), path))
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in sorted(files, key=lambda f: (f[0].endswith(".cwasm"), f[0])):
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            executable = os.stat(path).st_mode & stat.S_IXUSR
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source:
                archive.writestr(info, source.read())
    os.replace(tmp, out)
    print(f"wrote {out} ({len(files)} files, {os.path.getsize(out)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
