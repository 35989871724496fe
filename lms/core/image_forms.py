"""The base of every Wagtail admin form that takes an image file (`WAGTAILIMAGES_IMAGE_FORM_BASE`).

Wagtail checks an upload's extension, format and pixel count, but stores the bytes as they came:
a real PNG with an HTML page after its end (a polyglot) passes every check and is kept whole.
And its checks decode the whole image, so a PNG cut short makes the admin answer 500. So the
file field of these forms puts the upload through `lms.core.images.image_clean` first, as images
that arrive any other way are: refused with its reason unless its content is a JPEG, PNG, GIF or
WebP within the pixel budget (read from the header, before a pixel is decoded), otherwise decoded
and encoded again and named with the extension of its real type. Wagtail's own checks then see
the clean image.

The upload itself is rewritten with the clean image, not replaced by a copy. Wagtail's forms
for adding an image, replacing its file and uploading from the chooser save what the form
returns, but the multiple uploader's AJAX view keeps the request's own file object: when another
field is invalid (a title of 300 characters, say) it stores that object as an `UploadedFile` and
later makes the image from it. Rewriting the object means that every path stores the same
re-encoded bytes.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms import FileField
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .images import ImageRefused, image_clean

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class CleanImageField(WagtailImageField):
    def to_python(self, data):
        upload = FileField.to_python(self, data)
        if isinstance(upload, UploadedFile):
            self.check_image_file_size(upload)  # before a byte of it is read
            upload.seek(0)
            try:
                clean = image_clean(upload.read(), name=upload.name)
            except ImageRefused as refused:
                raise ValidationError(refused.message, code="image_refused") from None
            _rewrite(upload, content=clean.content, name=clean.name)
            upload.content_type = CONTENT_TYPES[clean.format]
        return super().to_python(data)


class CleanImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:  # the multiple uploader's edit form has none
            self.fields["file"] = CleanImageField(
                label=field.label,
                required=field.required,
                max_length=field.max_length,
                widget=field.widget,
            )


def _rewrite(upload: UploadedFile, *, content: bytes, name: str) -> None:
    """Replace what `upload` holds, in memory or in its temporary file, with `content`."""
    stream = upload.file
    stream.seek(0)
    stream.truncate()
    stream.write(content)
    stream.flush()
    stream.seek(0)
    upload.size = len(content)
    upload.name = name
