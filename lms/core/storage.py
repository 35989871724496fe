"""Media in S3-compatible object storage, served as safely as the proxy serves it from disk.

A bucket cannot send `X-Content-Type-Options`, but it can send `Content-Disposition`: every
object that is not an image is stored with `attachment`, and its signed links ask for it again,
so that a file uploaded before this rule, or one whose type the bucket guesses, still downloads
instead of opening. Images keep the type their (re-encoded) content and extension give them.
"""

from storages.backends.s3 import S3Storage

from .images import is_image_name


class S3MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        if not is_image_name(name):
            parameters.setdefault("ContentDisposition", "attachment")
        return parameters

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not is_image_name(name):
            parameters = {"ResponseContentDisposition": "attachment", **(parameters or {})}
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
