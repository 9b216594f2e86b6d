"""The one exception tree of certcheck, and where its codes map to statuses.

::

    CertcheckError                         (500, exit 1)  internal_error
    ├── InputError                         (400, exit 1)  bad input file
    │   ├── EmptyUpload                    (400)          empty_upload
    │   ├── UnreadableImage                (400)          unreadable_image
    │   ├── UnsupportedMediaType           (415)          unsupported_media_type
    │   ├── FileTooLarge                   (413)          file_too_large
    │   ├── TooManyPixels                  (413)          too_many_pixels
    │   └── ImageNotFound                  (404, exit 1)  file_not_found
    ├── RequestError                       (422, exit 2)  invalid_request
    │   ├── MissingApiKey                  (401)          missing_api_key
    │   ├── InvalidApiKey                  (403)          invalid_api_key
    │   └── NotFound                       (404)          not_found
    ├── RegistryError                      (422, exit 2)  invalid_registry (bad template / issuer data)
    ├── ServiceError                                      capacity limits of the HTTP service
    │   ├── RateLimited                    (429)          rate_limited
    │   └── Overloaded                     (503)          overloaded
    └── ModelError                         (500, exit 1)  model_error (OCR / model files)

Each class carries its contract ``code`` (CONTRACT.md section 2), its HTTP
status and its CLI exit status; ``app/`` renders them in one handler and the
CLI maps them in one place. Messages are Chinese (shown to citizens), with an
English ``message_en``.
"""

from __future__ import annotations

__all__ = [
    "CertcheckError",
    "EmptyUpload",
    "FileTooLarge",
    "ImageNotFound",
    "InputError",
    "InvalidApiKey",
    "MissingApiKey",
    "ModelError",
    "NotFound",
    "Overloaded",
    "RateLimited",
    "RegistryError",
    "RequestError",
    "ServiceError",
    "TooManyPixels",
    "UnreadableImage",
    "UnsupportedMediaType",
]


class CertcheckError(Exception):
    """Root of every error certcheck raises on purpose."""

    code = "internal_error"
    http_status = 500
    exit_code = 1
    default_message = "内部错误，请稍后再试。"
    default_message_en = "Internal error, please try again later."

    def __init__(self, message: str | None = None, message_en: str | None = None) -> None:
        self.message = message or self.default_message
        self.message_en = message_en or self.default_message_en
        super().__init__(self.message_en)

    def to_dict(self) -> dict[str, str]:
        """The contract's error object: ``{"code", "message", "message_en"}``."""
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


class InputError(CertcheckError):
    """The uploaded file cannot be checked."""

    code = "unreadable_image"
    http_status = 400
    default_message = "无法读取该文件。"
    default_message_en = "The file cannot be read."


class EmptyUpload(InputError):
    """Raised for zero bytes."""

    code = "empty_upload"
    default_message = "上传的文件是空的，请重新选择证书照片。"
    default_message_en = "The upload is empty."


class UnreadableImage(InputError):
    """Raised when the bytes are a supported type but do not decode (truncated, corrupt)."""

    code = "unreadable_image"
    default_message = "图片已损坏或不完整，无法读取，请重新拍照或重新导出。"
    default_message_en = "The image is corrupt or truncated and cannot be decoded."


class UnsupportedMediaType(InputError):
    """Raised when the bytes are none of the supported types, whatever the name says."""

    code = "unsupported_media_type"
    http_status = 415
    default_message = "不支持该文件类型，请上传 JPEG、PNG、WebP、BMP、TIFF、HEIC 图片或 PDF。"
    default_message_en = "Unsupported file type; upload JPEG, PNG, WebP, BMP, TIFF, HEIC or PDF."


class FileTooLarge(InputError):
    """Raised when the upload exceeds ``CERTCHECK_MAX_UPLOAD_MB``."""

    code = "file_too_large"
    http_status = 413
    default_message = "文件太大，请压缩后再上传。"
    default_message_en = "The file is too large."


class TooManyPixels(InputError):
    """Raised before decoding when the image declares more than ``CERTCHECK_MAX_PIXELS``."""

    code = "too_many_pixels"
    http_status = 413
    default_message = "图片像素过多，请缩小后再上传。"
    default_message_en = "The image has too many pixels."


class ImageNotFound(InputError):
    """Raised by the CLI when a path does not exist or is not a file."""

    code = "file_not_found"
    http_status = 404
    default_message = "找不到该文件。"
    default_message_en = "File not found."


class RequestError(CertcheckError):
    """The request itself is malformed (a missing form field, bad JSON, bad arguments)."""

    code = "invalid_request"
    http_status = 422
    exit_code = 2
    default_message = "请求格式不正确。"
    default_message_en = "The request is malformed."


class MissingApiKey(RequestError):
    """Raised when a write endpoint is called without ``X-API-Key``."""

    code = "missing_api_key"
    http_status = 401
    default_message = "缺少 API 密钥。"
    default_message_en = "Missing API key."


class InvalidApiKey(RequestError):
    """Raised when ``X-API-Key`` does not match."""

    code = "invalid_api_key"
    http_status = 403
    default_message = "API 密钥无效。"
    default_message_en = "Invalid API key."


class NotFound(RequestError):
    """Raised when a named resource (a template id) does not exist."""

    code = "not_found"
    http_status = 404
    default_message = "未找到。"
    default_message_en = "Not found."


class RegistryError(CertcheckError):
    """Template or issuer data is invalid; the message lists every bad entry."""

    code = "invalid_registry"
    http_status = 422
    exit_code = 2
    default_message = "模板或机构登记数据无效。"
    default_message_en = "Invalid template or issuer data."


class ServiceError(CertcheckError):
    """The service refuses work for capacity reasons; carries ``retry_after`` seconds."""

    retry_after = 1

    def __init__(self, message: str | None = None, message_en: str | None = None, retry_after: int = 1) -> None:
        super().__init__(message, message_en)
        self.retry_after = retry_after


class RateLimited(ServiceError):
    """Raised when a client exceeds its request rate."""

    code = "rate_limited"
    http_status = 429
    default_message = "请求过于频繁，请稍后再试。"
    default_message_en = "Too many requests."


class Overloaded(ServiceError):
    """Raised when the work queue is full."""

    code = "overloaded"
    http_status = 503
    default_message = "服务繁忙，请稍后再试。"
    default_message_en = "The service is busy; retry later."


class ModelError(CertcheckError):
    """The OCR engine or a model file failed to load or run."""

    code = "model_error"
    http_status = 500
    default_message = "识别模型出错，请联系管理员。"
    default_message_en = "The OCR model failed."
