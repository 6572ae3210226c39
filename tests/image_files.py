"""Small image files for the reader and dataset tests, written into a test's folder.

Pictures are crops of scikit-learn's two sample photographs, so that decoding is
checked on real content (edges, textures, colour), not on flat test patterns. EXIF
orientation tags are written by hand (an APP1 segment in a JPEG, an eXIf chunk in
a PNG), so no imaging library besides OpenCV is needed.
"""

import struct
import zlib
from functools import lru_cache

import cv2
import numpy as np
from sklearn.datasets import load_sample_images


@lru_cache(maxsize=1)
def _photos():
    return tuple(load_sample_images().images)  # china, flower: (427, 640, 3) RGB


def crop(index, height=48, width=64, photo=0):
    """A distinct ``(height, width, 3)`` uint8 RGB crop for each ``index``."""
    image = _photos()[photo]
    rows = image.shape[0] - height
    cols = image.shape[1] - width
    top = (37 * index) % rows
    left = (71 * index) % cols
    return image[top:top + height, left:left + width].copy()


def write_image(path, rgb, params=()):
    """Write an RGB(A) or grey array with OpenCV (which wants BGR(A) order);
    ``params`` are OpenCV's ``imwrite`` flags, e.g. ``[cv2.IMWRITE_JPEG_QUALITY,
    95]``."""
    array = np.asarray(rgb)
    if array.ndim == 3 and array.shape[2] == 3:
        array = cv2.cvtColor(array, cv2.COLOR_RGB2BGR)
    elif array.ndim == 3 and array.shape[2] == 4:
        array = cv2.cvtColor(array, cv2.COLOR_RGBA2BGRA)
    assert cv2.imwrite(str(path), array, list(params)), path
    return path


def _tiff_with_orientation(orientation):
    """A big-endian TIFF header with one IFD entry: Orientation (0x0112, SHORT)."""
    return (b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
            + struct.pack(">I", 0))


def jpeg_bytes_with_orientation(rgb, orientation, quality=95):
    """A JPEG of ``rgb`` whose APP1 segment says EXIF ``orientation``."""
    data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                        [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()
    payload = b"Exif\x00\x00" + _tiff_with_orientation(orientation)
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]  # right after the SOI marker


def png_bytes_with_orientation(array, orientation):
    """A PNG of ``array`` (RGB or RGBA) with an eXIf chunk saying ``orientation``."""
    code = cv2.COLOR_RGB2BGR if array.shape[2] == 3 else cv2.COLOR_RGBA2BGRA
    data = cv2.imencode(".png", cv2.cvtColor(array, code))[1].tobytes()
    body = _tiff_with_orientation(orientation)
    chunk = (struct.pack(">I", len(body)) + b"eXIf" + body
             + struct.pack(">I", zlib.crc32(b"eXIf" + body)))
    return data[:33] + chunk + data[33:]  # after the signature and IHDR


def oriented(image, orientation):
    """What a viewer shows for a stored ``image`` with EXIF ``orientation``."""
    return {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
        8: lambda a: np.rot90(a, 1),
    }[orientation](image)


def write_bad_files(folder):
    """One file of each unreadable kind, by name: truncated JPEG, zero-byte file,
    text named .png, a directory named .jpg, and a path that does not exist."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg = cv2.imencode(".jpg", crop(0))[1].tobytes()
    files = {
        "truncated": folder / "truncated.jpg",
        "empty": folder / "empty.png",
        "text": folder / "text.png",
        "directory": folder / "directory.jpg",
        "missing": folder / "missing.jpg",
    }
    files["truncated"].write_bytes(jpeg[:len(jpeg) // 2])
    files["empty"].write_bytes(b"")
    files["text"].write_text("this is not an image\n")
    files["directory"].mkdir()
    return files
