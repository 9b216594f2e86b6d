# certcheck service image. Built, run and checked by `make image-test` (scripts/image-test.sh),
# linted by hadolint in tests/app/test_dockerfile.py.
#
#   docker build -t certcheck .           (BuildKit: the default builder since Docker 23.0;
#                                         DOCKER_BUILDKIT=1 with older clients such as Debian's 20.10)
#   docker run --rm -p 8000:8000 -v certcheck-data:/home/certcheck/data certcheck
#   docker exec CONTAINER certcheck keys add my-system
#
# Where no image registry is reachable, scripts/docker-base.sh makes a stand-in for the base
# from Debian's packages (debootstrap bookworm + python3, python3-venv) under the same name.
#
# Two stages: the first installs the dependencies, then certcheck itself, into a virtualenv
# (every dependency ships as a manylinux wheel, so no compiler is needed even there); the final
# stage is the same slim Python with only that virtualenv copied in. Only the packages the
# service runs are copied: no tests, samples, bench or generator, no test toolchain, no pip.
# The OCR models ship inside the rapidocr wheel (pinned in pyproject.toml, their SHA-256 in
# models/manifest.yaml, checked at load), so the image works offline. No CJK fonts: they are
# only for the samples generator, never for checking.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# pip trusts the build secret `pip-ca` when one is given (a CA bundle, for networks whose HTTPS
# goes through an inspecting proxy: `--secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt`,
# BuildKit); it is mounted for the RUN only, never stored in a layer.
# The dependencies first, from pyproject.toml alone: this layer is reused while only the code changes.
COPY pyproject.toml README.md ./
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
 && python -m venv /opt/certcheck \
 && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
      > /tmp/requirements.txt \
 && /opt/certcheck/bin/pip install --no-cache-dir -r /tmp/requirements.txt
COPY certcheck ./certcheck
COPY app ./app
COPY vision ./vision
COPY ocr ./ocr
COPY rules ./rules
COPY templates_registry ./templates_registry
COPY models ./models
# Then certcheck; what a service never runs is dropped: pip and setuptools, the packages' own
# test suites, C headers and type stubs, ONNX Runtime's model-conversion tools (transformers,
# quantization, tools: 9 MB, never imported by an inference session), numpy's build helpers
# (f2py, distutils) and test-only extension modules, Pillow's AVIF codec (5 MB: vision/decode.py
# refuses AVIF by its bytes before any decoder runs, and Pillow treats the codec as optional)
# and Tk glue, and the Swagger UI files /docs does not load (source maps, the other bundles).
# Every native library left is then loaded once, so a missing one fails the build, not a request.
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
 && /opt/certcheck/bin/pip install --no-cache-dir --no-deps . \
 && /opt/certcheck/bin/python -c "import app.main, certcheck.pipeline, ocr.engine" \
 && /opt/certcheck/bin/python -m pip uninstall --yes --quiet pip setuptools \
 && site=$(/opt/certcheck/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") \
 && find "$site" -depth -type d \( -name tests -o -name testing \) -path "$site/numpy/*" -exec rm -rf {} + \
 && find "$site" -depth -type d -name tests -path "$site/shapely/*" -exec rm -rf {} + \
 && find "$site" -depth -type d -name include -path "$site/numpy/*" -exec rm -rf {} + \
 && find "$site" -name "*.pyi" -delete \
 && rm -rf "$site/onnxruntime/transformers" "$site/onnxruntime/quantization" "$site/onnxruntime/tools" \
      "$site/numpy/f2py" "$site/numpy/distutils" "$site"/numpy/_core/_*_tests.*.so "$site"/numpy/_core/_simd.*.so \
      "$site"/PIL/_avif.*.so "$site"/pillow.libs/libavif-*.so* "$site"/PIL/_imagingtk.*.so \
 && find "$site/swagger_ui_bundle" \( -name "*.map" -o -name "swagger-ui-es-bundle*.js" -o -name "swagger-ui.js" \
      -o -name "swagger-ui-standalone-preset.js" \) -delete \
 && /opt/certcheck/bin/python -c "import app.main, certcheck.pipeline, ocr.engine, cv2, numpy, onnxruntime, opencc, \
      openpyxl, pillow_heif, psycopg, pypdfium2, rapidfuzz, re2, shapely, zxingcpp; from PIL import Image; \
      Image.init(); pillow_heif.register_heif_opener(); numpy.linalg.inv(numpy.eye(2))"

FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 --user-group certcheck \
 && install -d -o 10001 -g 10001 /home/certcheck/data
COPY --from=build /opt/certcheck /opt/certcheck
ENV PATH=/opt/certcheck/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CERTCHECK_DATA_DIR=/home/certcheck/data \
    CERTCHECK_LOG_FORMAT=json
WORKDIR /home/certcheck
USER 10001:10001
VOLUME ["/home/certcheck/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["certcheck", "serve", "--host", "0.0.0.0", "--port", "8000"]
