# certcheck service image (not built on the development machines: no Docker engine there;
# linted by hadolint and checked in tests/app/test_dockerfile.py).
#
#   docker build -t certcheck .
#   docker run --rm -p 8000:8000 -v certcheck-data:/home/certcheck/data certcheck
#   docker run --rm -v certcheck-data:/home/certcheck/data certcheck certcheck keys add my-system
#
# Two stages: the first installs certcheck and its wheels into a virtualenv (every
# dependency ships as a manylinux wheel, so no compiler is needed even there); the
# final stage is the same slim Python with only that virtualenv copied in. The OCR
# models ship inside the rapidocr wheel (pinned in pyproject.toml, their SHA-256
# in models/manifest.yaml, checked at load), so the image works offline. No CJK
# fonts: they are only for the samples generator, never for checking.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml README.md ./
COPY certcheck ./certcheck
COPY app ./app
COPY vision ./vision
COPY ocr ./ocr
COPY rules ./rules
COPY templates_registry ./templates_registry
COPY samples ./samples
COPY models ./models
COPY bench ./bench
RUN python -m venv /opt/certcheck \
 && /opt/certcheck/bin/pip install --no-cache-dir . \
 && /opt/certcheck/bin/python -c "import app.main, certcheck.pipeline"

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
