# certcheck service image. Build: docker build -t certcheck .
# Run:   docker run --rm -p 8000:8000 certcheck
# The OCR models ship inside the rapidocr wheel, so the image works offline.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
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
 && /opt/certcheck/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 certcheck
COPY --from=build /opt/certcheck /opt/certcheck
ENV PATH=/opt/certcheck/bin:$PATH \
    CERTCHECK_DATA_DIR=/home/certcheck/data \
    PYTHONUNBUFFERED=1
USER certcheck
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["certcheck", "serve", "--host", "0.0.0.0", "--port", "8000"]
