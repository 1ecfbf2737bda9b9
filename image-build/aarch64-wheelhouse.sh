#!/bin/bash
# The station and every dependency as wheels for the Raspberry Pi (aarch64, the CPython of
# Raspberry Pi OS trixie), for an offline install in the image.
#
#   image-build/aarch64-wheelhouse.sh OUT_DIR
#
# PyPI has aarch64 wheels for every dependency but `wsq`, whose sdist also passes -m64 to
# the compiler on every POSIX system (an x86-64-only flag). Its wheel is built here in a
# Debian arm64 root under qemu-user-static, from PyPI's sdist unchanged, by a compiler
# wrapper that drops that one flag; it is cached by the sdist's hash and the Python version.
# Dependencies the OS provides on the Pi (numpy, lgpio, picamera2) are used from there: the
# station's venv has --system-site-packages, and constraints-pi.txt keeps the wheels
# downloaded here at the OS's versions so that pip leaves the OS's copies alone.
# Environment: PYTHON (a python3 with pip, default python3), EKTP_CACHE.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "${here}")"
out="${1:?usage: aarch64-wheelhouse.sh OUT_DIR}"
python="${PYTHON:-python3}"
cache="${EKTP_CACHE:-/var/cache/ektp-station}"
# CPython of Raspberry Pi OS trixie (Debian 13).
py_version=3.13
py_tag=cp313
wsq_requirement="wsq==0.9"
platforms=(--platform manylinux_2_39_aarch64 --platform manylinux_2_34_aarch64
	--platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64
	--platform linux_aarch64)

log() { echo "[aarch64-wheelhouse] $*" >&2; }

mkdir -p "${out}" "${cache}"
scratch="$(mktemp -d)"
trap 'rm -rf "${scratch}"' EXIT

log "the station's wheel (pure Python) from ${repo}"
"${python}" -m pip wheel --quiet --no-deps --wheel-dir "${out}" "${repo}"

"${python}" -m pip download --quiet --no-deps --no-binary=:all: --dest "${scratch}" \
	"${wsq_requirement}"
sdist="$(find "${scratch}" -maxdepth 1 -name 'wsq-*.tar.gz' | head -n 1)"
sdist_key="$(sha256sum "${sdist}" | cut -c1-16)"
wsq_dir="${cache}/wsq-${py_tag}-aarch64-${sdist_key}"
if ! compgen -G "${wsq_dir}/wsq-*.whl" >/dev/null; then
	log "building wsq for aarch64 in a Debian arm64 root (a few minutes under emulation)"
	builder_tar="$("${here}/debian-arm64.sh" gcc libc6-dev python3-dev python3-setuptools \
		python3-wheel python3-pip python3-pil)"
	root="${scratch}/builder"
	mkdir "${root}"
	tar --numeric-owner -C "${root}" -xpf "${builder_tar}"
	cp "${sdist}" "${root}/tmp/"
	# setuptools takes CC (and derives LDSHARED) from the environment.
	cat >"${root}/usr/local/bin/cc-without-m64" <<'WRAPPER'
#!/bin/sh
# wsq's setup.py passes -m64 on every POSIX system; aarch64's gcc rejects it.
for arg; do
	shift
	[ "$arg" = "-m64" ] || set -- "$@" "$arg"
done
exec aarch64-linux-gnu-gcc "$@"
WRAPPER
	chmod 0755 "${root}/usr/local/bin/cc-without-m64"
	mount -t proc proc "${root}/proc"
	status=0
	chroot "${root}" env CC=cc-without-m64 python3 -m pip wheel --no-deps \
		--no-build-isolation --disable-pip-version-check --wheel-dir /tmp/out \
		"/tmp/$(basename "${sdist}")" >"${scratch}/wsq.log" 2>&1 || status=$?
	# The wheel must work, not only build: encode and decode a WSQ image in the root.
	[ "${status}" -ne 0 ] || chroot "${root}" sh -c 'python3 -m pip install --quiet --no-deps \
		--break-system-packages --no-index /tmp/out/wsq-*.whl && python3 -c "
import io, wsq
from PIL import Image
image = Image.new(\"L\", (64, 64), 128)
buffer = io.BytesIO()
image.save(buffer, \"WSQ\")
assert Image.open(io.BytesIO(buffer.getvalue())).size == (64, 64)
"' >>"${scratch}/wsq.log" 2>&1 || status=$?
	umount "${root}/proc"
	if [ "${status}" -ne 0 ]; then
		tail -n 30 "${scratch}/wsq.log" >&2
		exit 1
	fi
	mkdir -p "${wsq_dir}.$$.partial"
	cp "${root}"/tmp/out/wsq-*.whl "${wsq_dir}.$$.partial/"
	rm -rf "${wsq_dir}"
	mv "${wsq_dir}.$$.partial" "${wsq_dir}"
fi
cp "${wsq_dir}"/wsq-*.whl "${out}/"

deps_key="$(cat "${repo}/pyproject.toml" "${here}/constraints-pi.txt" "$0" | sha256sum | cut -c1-16)"
deps_dir="${cache}/wheels-${py_tag}-aarch64-${deps_key}"
if [ ! -d "${deps_dir}" ]; then
	log "downloading the dependencies' aarch64 wheels"
	"${python}" -m pip download --quiet --dest "${deps_dir}.$$.partial" --only-binary=:all: \
		"${platforms[@]}" --python-version "${py_version}" --implementation cp \
		--find-links "${wsq_dir}" --constraint "${here}/constraints-pi.txt" \
		"${out}"/ektp_station-*.whl
	# Seen with pip 23 on the 3.11 host: a requirement under a `python_version >= "3.13"`
	# marker is not fetched for --python-version 3.13, and the Pi's pip then finds nothing.
	"${python}" -m pip download --quiet --dest "${deps_dir}.$$.partial" --only-binary=:all: \
		--python-version "${py_version}" --implementation cp --no-deps \
		"standard-imghdr==3.13.0"
	rm -f "${deps_dir}.$$.partial"/ektp_station-*.whl "${deps_dir}.$$.partial"/wsq-*.whl
	mv "${deps_dir}.$$.partial" "${deps_dir}"
fi
cp "${deps_dir}"/*.whl "${out}/"
log "$(find "${out}" -name '*.whl' | wc -l) wheels in ${out}"
