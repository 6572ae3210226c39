"""Reading image files: decoding, resizing, bad files, ImageFileReader in pipelines.

Folders are written into each test's ``tmp_path`` from crops of scikit-learn's
sample photographs (``tests/image_files.py``).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import os
import pickle
import shutil
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from image_files import (
    crop,
    jpeg_bytes_with_orientation,
    oriented,
    png_bytes_with_orientation,
    write_bad_files,
    write_image,
)
from sklearn.base import clone

from sklearn_dlprep import ArrayAugmenter, ImageFileReader
from sklearn_dlprep._readers import ImageFileSequence


@pytest.fixture
def png_paths(tmp_path):
    """Five colour PNGs (48x64), lossless, so decoded values are known exactly."""
    return [str(write_image(tmp_path / f"{i}.png", crop(i))) for i in range(5)]


# Decoding -------------------------------------------------------------------


def test_png_is_read_exactly_in_rgb_order(png_paths):
    """A PNG comes back with the written values, channels in RGB order."""
    images = ImageFileReader(None).transform(png_paths)
    assert images.shape == (5, 48, 64, 3) and images.dtype == np.uint8
    for i, image in enumerate(images):
        np.testing.assert_array_equal(image, crop(i))


def test_pure_red_is_red(tmp_path):
    """Channel order is RGB (OpenCV's own order is BGR)."""
    red = np.zeros((4, 4, 3), dtype=np.uint8)
    red[..., 0] = 255
    path = write_image(tmp_path / "red.png", red)
    image = ImageFileReader(None).transform([path])[0]
    assert (image[..., 0] == 255).all() and (image[..., 1:] == 0).all()


def test_jpeg_is_close_to_its_source(tmp_path):
    """A quality-95 JPEG decodes to within JPEG's loss of the source picture."""
    path = write_image(tmp_path / "a.jpg", crop(3), [cv2.IMWRITE_JPEG_QUALITY, 95])
    image = ImageFileReader(None).transform([path])[0]
    error = np.abs(image.astype(np.int16) - crop(3)).mean()
    other = np.abs(image.astype(np.int16) - crop(4)).mean()
    assert error < 5 and other > 4 * error, (error, other)


def test_grayscale_has_one_channel(png_paths):
    """grayscale gives (H, W, 1), the ITU-R 601 luma of the colour file."""
    images = ImageFileReader(None, color_mode="grayscale").transform(png_paths)
    assert images.shape == (5, 48, 64, 1)
    # libpng's own RGB->grey rounding: within one level of OpenCV's cvtColor.
    expected = cv2.cvtColor(crop(0), cv2.COLOR_RGB2GRAY)
    assert np.abs(images[0, :, :, 0].astype(int) - expected).max() <= 1


def test_grey_file_in_rgb_mode_repeats_the_channel(tmp_path):
    """A one-channel file read as rgb has three equal channels."""
    grey = cv2.cvtColor(crop(1), cv2.COLOR_RGB2GRAY)
    path = write_image(tmp_path / "grey.png", grey)
    image = ImageFileReader(None).transform([path])[0]
    assert image.shape == (48, 64, 3)
    for channel in range(3):
        np.testing.assert_array_equal(image[..., channel], grey)


def test_rgba_keeps_alpha_and_makes_it_opaque_when_absent(tmp_path):
    """rgba returns the file's alpha, or 255 for a file without one."""
    rgba = np.dstack([crop(2), np.arange(48 * 64, dtype=np.uint8).reshape(48, 64)])
    with_alpha = write_image(tmp_path / "alpha.png", rgba)
    without = write_image(tmp_path / "plain.png", crop(2))
    images = ImageFileReader(None, color_mode="rgba").transform([with_alpha, without])
    assert images.shape == (2, 48, 64, 4)
    np.testing.assert_array_equal(images[0], rgba)
    np.testing.assert_array_equal(images[1, ..., :3], crop(2))
    assert (images[1, ..., 3] == 255).all()


@pytest.mark.parametrize("color_mode, channels", [("rgb", 3), ("grayscale", 1),
                                                  ("rgba", 4)])
def test_16_bit_png_stays_uint16(tmp_path, color_mode, channels):
    """16-bit PNGs give uint16 values, exactly as written (alpha 65535 if added)."""
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 65536, size=(6, 7, 3), dtype=np.uint16)
    grey = rng.integers(0, 65536, size=(6, 7), dtype=np.uint16)
    paths = [write_image(tmp_path / "colour.png", colour),
             write_image(tmp_path / "grey.png", grey)]
    images = ImageFileReader(None, color_mode=color_mode).transform(paths)
    assert images.dtype == np.uint16 and images.shape == (2, 6, 7, channels)
    if color_mode == "rgb":
        np.testing.assert_array_equal(images[0], colour)
        np.testing.assert_array_equal(images[1], np.dstack([grey] * 3))
    elif color_mode == "grayscale":
        np.testing.assert_array_equal(images[1, ..., 0], grey)
    else:
        np.testing.assert_array_equal(images[0, ..., :3], colour)
        assert (images[..., 3] == 65535).all()


def test_8_and_16_bit_files_together_are_refused(tmp_path):
    """One array holds one depth: the error names an 8-bit and a 16-bit file."""
    eight = write_image(tmp_path / "eight.png", crop(0))
    sixteen = write_image(tmp_path / "sixteen.png", np.full((48, 64, 3), 1000,
                                                            dtype=np.uint16))
    with pytest.raises(ValueError, match=r"sixteen\.png.*16-bit.*eight\.png.*8-bit"):
        ImageFileReader(None).transform([eight, sixteen])


@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_of_png_is_applied(tmp_path, orientation, color_mode):
    """A PNG's EXIF orientation turns the image as a viewer shows it, in every
    colour mode (rgba applies it itself: OpenCV ignores it when keeping alpha)."""
    stored = np.dstack([crop(4, 20, 30),
                        np.arange(600, dtype=np.uint8).reshape(20, 30)])
    path = tmp_path / "oriented.png"
    path.write_bytes(png_bytes_with_orientation(stored, orientation))
    image = ImageFileReader(None, color_mode=color_mode).transform([path])[0]
    expected = oriented(stored, orientation)
    if color_mode == "rgb":
        expected = expected[..., :3]
    elif color_mode == "grayscale":  # turned like the grey image read upright
        upright = tmp_path / "upright.png"
        upright.write_bytes(png_bytes_with_orientation(stored, 1))
        expected = oriented(ImageFileReader(None, color_mode=color_mode)
                            .transform([upright])[0], orientation)
    np.testing.assert_array_equal(image, expected)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_of_jpeg_is_applied(tmp_path, orientation):
    """A JPEG's EXIF orientation (APP1 segment) is applied; the compressed pixels
    are those of the orientation-1 file, so the result is exactly that one turned."""
    stored = crop(5, 24, 40)
    upright = tmp_path / "upright.jpg"
    upright.write_bytes(jpeg_bytes_with_orientation(stored, 1))
    path = tmp_path / "oriented.jpg"
    path.write_bytes(jpeg_bytes_with_orientation(stored, orientation))
    for color_mode in ("rgb", "rgba"):
        reader = ImageFileReader(None, color_mode=color_mode)
        reference = reader.transform([upright])[0]
        image = reader.transform([path])[0]
        np.testing.assert_array_equal(image, oriented(reference, orientation))


def test_animated_gif_gives_its_first_frame(tmp_path):
    """As in Keras, an animated GIF is read as its first frame."""
    pil = pytest.importorskip("PIL.Image")
    frames = [pil.fromarray(np.full((5, 6, 3), value, dtype=np.uint8))
              for value in (10, 200)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    image = ImageFileReader(None).transform([path])[0]
    assert image.shape == (5, 6, 3) and (image == 10).all()


def test_float_tiff_is_unreadable_with_a_reason(tmp_path):
    """A 32-bit float TIFF is not silently converted: the error says why."""
    path = tmp_path / "float.tiff"
    assert cv2.imwrite(str(path), np.zeros((4, 4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"float\.tiff.*float32.*8-bit and 16-bit"):
        ImageFileReader(None).transform([path])


# Resizing -------------------------------------------------------------------


@pytest.mark.parametrize("interpolation, flag", [
    ("bilinear", cv2.INTER_LINEAR), ("nearest", cv2.INTER_NEAREST_EXACT),
    ("bicubic", cv2.INTER_CUBIC), ("area", cv2.INTER_AREA),
    ("lanczos4", cv2.INTER_LANCZOS4)])
@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
def test_resize_is_opencvs_with_height_then_width(png_paths, interpolation, flag,
                                                  color_mode):
    """image_size is (height, width); the kernel is the named OpenCV one."""
    images = ImageFileReader((30, 20), color_mode=color_mode,
                             interpolation=interpolation).transform(png_paths[:2])
    channels = {"rgb": 3, "grayscale": 1, "rgba": 4}[color_mode]
    assert images.shape == (2, 30, 20, channels)
    source = ImageFileReader(None, color_mode=color_mode).transform(
        png_paths[1:2])[0][..., :3]
    expected = cv2.resize(source, (20, 30), interpolation=flag)
    if color_mode == "rgba":
        np.testing.assert_array_equal(images[1, ..., :3], expected)
        assert (images[1, ..., 3] == 255).all()
    else:
        np.testing.assert_array_equal(images[1], expected.reshape(30, 20, channels))


def test_nearest_samples_pixel_centres(tmp_path):
    """"nearest" halving a row takes columns 1, 3, 5, ... (centre sampling, as PIL
    and Keras' load_img do), not 0, 2, 4 (OpenCV's INTER_NEAREST)."""
    values = np.tile(np.arange(0, 240, 30, dtype=np.uint8), (8, 1))  # 8x8 grey
    path = write_image(tmp_path / "ramp.png", values)
    image = ImageFileReader((4, 4), color_mode="grayscale",
                            interpolation="nearest").transform([path])[0, ..., 0]
    np.testing.assert_array_equal(image[0], values[0, 1::2])


@pytest.mark.slow
def test_resize_matches_keras(tmp_path):
    """"bilinear" is Keras 3's resize (no antialias) to uint8 rounding, and
    "nearest" is exactly Keras' load_img (PIL) nearest."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    keras = pytest.importorskip("keras")
    source = crop(6, 64, 80)
    path = write_image(tmp_path / "a.png", source)
    for size in [(56, 70), (100, 37)]:
        ours = ImageFileReader(size).transform([path])[0]
        theirs = np.asarray(keras.ops.image.resize(
            source.astype(np.float32), size, interpolation="bilinear",
            antialias=False))
        assert np.abs(ours - theirs).max() <= 1
        ours = ImageFileReader(size, interpolation="nearest").transform([path])[0]
        theirs = keras.utils.img_to_array(keras.utils.load_img(
            path, target_size=size, interpolation="nearest"))
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name, nearest", [("lanczos3", "lanczos4"),
                                           ("lanczos5", "lanczos4"),
                                           ("box", "area")])
def test_kernels_opencv_lacks_are_refused_with_the_nearest_one(png_paths, name,
                                                               nearest):
    """Keras/PIL kernel names OpenCV has no kernel for say what to use instead."""
    with pytest.raises(ValueError, match=f"interpolation.*{name}.*'{nearest}'"):
        ImageFileReader((8, 8), interpolation=name).transform(png_paths)


def test_different_sizes_need_image_size(tmp_path):
    """image_size=None refuses files of two sizes, naming the one that differs."""
    paths = [write_image(tmp_path / "a.png", crop(0, 48, 64)),
             write_image(tmp_path / "b.png", crop(1, 30, 64))]
    with pytest.raises(ValueError, match=r"b\.png.* 30x64 .*a\.png.* 48x64.*"
                                         r"image_size"):
        ImageFileReader(None).transform(paths)
    assert ImageFileReader((16, 16)).transform(paths).shape == (2, 16, 16, 3)


# Bad files ------------------------------------------------------------------


BAD_KINDS = ["truncated", "empty", "text", "directory", "missing"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_file_raises_naming_it(tmp_path, png_paths, kind):
    """on_error="raise" (the default): a ValueError that names the file."""
    bad = write_bad_files(tmp_path / "bad")[kind]
    paths = png_paths[:2] + [str(bad)] + png_paths[2:]
    with pytest.raises(ValueError, match=f"Cannot read image file .*{bad.name}"):
        ImageFileReader((16, 16)).transform(paths)


def test_every_bad_kind_has_its_reason(tmp_path):
    """The error says what is wrong with the file, not only that it failed."""
    bad = write_bad_files(tmp_path / "bad")
    reasons = {"truncated": "not a decodable image", "empty": "empty file",
               "text": "not a decodable image", "directory": "a directory",
               "missing": "no such file"}
    for kind, reason in reasons.items():
        with pytest.raises(ValueError, match=reason):
            ImageFileReader((8, 8)).transform([bad[kind]])


def test_skip_leaves_bad_files_out_and_reports_them(tmp_path, png_paths):
    """on_error="skip": the other rows come back unchanged (never a blank image),
    with one warning saying how many and which, and the skipped files recorded."""
    bad = write_bad_files(tmp_path / "bad")
    paths = [png_paths[0], str(bad["truncated"]), png_paths[1], str(bad["empty"]),
             str(bad["text"]), str(bad["directory"]), str(bad["missing"]),
             png_paths[2]]
    reader = ImageFileReader((16, 16), on_error="skip")
    with pytest.warns(UserWarning, match=r"Skipped 5 of 8 image files.*"
                                         r"truncated\.jpg"):
        images = reader.transform(paths)
    expected = ImageFileReader((16, 16)).transform(png_paths[:3])
    np.testing.assert_array_equal(images, expected)
    assert reader.skipped_filenames_ == paths[1:2] + paths[3:7]
    np.testing.assert_array_equal(reader.skipped_indices_, [1, 3, 4, 5, 6])


def test_skip_without_bad_files_does_not_warn(png_paths):
    """Nothing skipped: no warning and empty records."""
    reader = ImageFileReader((16, 16), on_error="skip")
    images = reader.transform(png_paths)  # a warning would be an error here
    assert len(images) == 5 and reader.skipped_filenames_ == []
    assert reader.skipped_indices_.shape == (0,)


def test_skipped_indices_realign_labels(tmp_path, png_paths):
    """np.delete(y, skipped_indices_) pairs every image with its own label."""
    bad = write_bad_files(tmp_path / "bad")
    paths = [png_paths[0], str(bad["text"]), png_paths[1]]
    y = np.array(["first", "broken", "second"])
    reader = ImageFileReader(None, on_error="skip")
    with pytest.warns(UserWarning, match="Skipped 1 of 3"):
        images = reader.transform(paths)
    labels = np.delete(y, reader.skipped_indices_)
    assert labels.tolist() == ["first", "second"]
    np.testing.assert_array_equal(images[1], crop(1))


def test_all_files_bad_is_an_error_even_with_skip(tmp_path):
    """Nothing readable at all is an error that names the first file."""
    bad = write_bad_files(tmp_path / "bad")
    with pytest.raises(ValueError, match=r"None of the 2 image files.*empty\.png"):
        ImageFileReader((8, 8), on_error="skip").transform([bad["empty"],
                                                             bad["text"]])


@pytest.fixture
def locked_image():
    """A PNG with mode 000 in a world-searchable folder of its own under the
    system temporary directory (pytest's own folders are private to their user)."""
    folder = Path(tempfile.mkdtemp(prefix="dlprep-locked-"))
    folder.chmod(0o755)
    image = write_image(folder / "secret.png", crop(0))
    image.chmod(0o000)
    yield image
    shutil.rmtree(folder)


def _read_as_nobody(path):
    """The error message of reading ``path`` in a forked child that has switched
    to user and group 65534 ("nobody"); empty if the switch failed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: no exec, so the interpreter's own files need no access
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                ImageFileReader((8, 8)).transform([path])
                message = "read without error"
            except ValueError as exc:
                message = str(exc)
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


def test_permission_denied_file(locked_image):
    """A file without read permission is refused, naming it. Root reads any file
    whatever its mode, so as root the read happens in a child process switched
    to user "nobody" (the test fails if the switch does)."""
    if os.geteuid() != 0:
        with pytest.raises(ValueError, match=r"secret\.png.*permission denied"):
            ImageFileReader((8, 8)).transform([locked_image])
        return
    # chmod 000 does not stop root: the file is read.
    assert ImageFileReader(None).transform([locked_image]).shape == (1, 48, 64, 3)
    message = _read_as_nobody(str(locked_image))
    assert "secret.png" in message and "permission denied" in message, message


# ImageFileReader: input, parameters, estimator behaviour --------------------


def test_every_column_container_gives_the_same_images(png_paths):
    """A list, 1-D array, (n, 1) array, Series, one-column DataFrame and Path
    objects all name the same files."""
    pd = pytest.importorskip("pandas")
    reader = ImageFileReader((16, 16))
    expected = reader.transform(png_paths)
    containers = [np.array(png_paths), np.array(png_paths, dtype=object)[:, None],
                  pd.Series(png_paths), pd.DataFrame({"path": png_paths}),
                  [Path(p) for p in png_paths], tuple(png_paths)]
    for X in containers:
        np.testing.assert_array_equal(reader.fit_transform(X), expected)


def test_series_keeps_row_order_not_index(png_paths):
    """A Series with a shuffled index is read in row order."""
    pd = pytest.importorskip("pandas")
    series = pd.Series(png_paths, index=[4, 2, 0, 1, 3])
    images = ImageFileReader(None).transform(series)
    for i, image in enumerate(images):
        np.testing.assert_array_equal(image, crop(i))


@pytest.mark.parametrize("X, error, match", [
    ("a.png", TypeError, "single str.*wrap it in a list"),
    (np.zeros((3, 2)), TypeError, "file paths.*dtype float64"),
    (np.array([["a.png", "b.png"]]), ValueError, r"shape \(1, 2\)"),
    ([], ValueError, "no file paths"),
    (["a.png", 3], TypeError, "int 3 at row 1"),
    (["a.png", None], ValueError, "row 1 is missing"),
])
def test_bad_columns_are_refused_with_a_reason(X, error, match):
    """What is not a column of paths is refused, saying what it is instead."""
    with pytest.raises(error, match=match):
        ImageFileReader((8, 8)).transform(X)


def test_dataframe_with_several_columns_is_refused():
    """Several columns: the error lists them and says how to pick one."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"path": ["a.png"], "label": ["cat"]})
    with pytest.raises(ValueError, match=r"2 columns.*'path', 'label'.*X\[\["):
        ImageFileReader((8, 8)).fit(frame)


def test_nan_in_a_series_names_the_row():
    """A missing path (NaN) names its row."""
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="row 2 is missing"):
        ImageFileReader((8, 8)).transform(pd.Series(["a.png", "b.png", np.nan]))


@pytest.mark.parametrize("params, match", [
    ({"image_size": 64}, "image_size"),
    ({"image_size": (64, 64.5)}, "image_size"),
    ({"image_size": (0, 64)}, "image_size"),
    ({"color_mode": "bgr"}, "color_mode"),
    ({"color_mode": 3}, "color_mode"),
    ({"interpolation": "cubic"}, "interpolation"),
    ({"on_error": "ignore"}, "on_error"),
    ({"n_jobs": 0}, "n_jobs"),
    ({"n_jobs": 1.5}, "n_jobs"),
])
def test_bad_parameters_name_themselves(png_paths, params, match):
    """Fitting and transforming (the reader is stateless) both refuse a bad
    parameter with an error that names it."""
    reader = ImageFileReader((8, 8)).set_params(**params)
    for method in (reader.fit, reader.transform):
        with pytest.raises((TypeError, ValueError), match=match):
            method(png_paths)


def test_fit_reads_no_file_and_returns_self(tmp_path):
    """fit checks the column only; missing files are found when reading."""
    reader = ImageFileReader((8, 8), color_mode="grayscale")
    params = reader.get_params()
    assert reader.fit([str(tmp_path / "not-yet-written.png")]) is reader
    assert reader.n_features_in_ == 1
    assert reader.get_params() == params


def test_fit_records_the_column_name(png_paths):
    """A DataFrame's column name is recorded as feature_names_in_."""
    pd = pytest.importorskip("pandas")
    reader = ImageFileReader((8, 8)).fit(pd.DataFrame({"path": png_paths}))
    assert reader.feature_names_in_.tolist() == ["path"]


def test_transform_needs_no_fit_and_leaves_the_reader_unchanged(png_paths):
    """Stateless: transform works unfitted and does not change the reader."""
    reader = ImageFileReader((8, 8))
    before = dict(reader.__dict__)
    reader.transform(png_paths)
    assert reader.__dict__ == before


def test_input_is_not_modified(png_paths):
    """The caller's list and array of paths are left as they were."""
    as_list = list(png_paths)
    as_array = np.array(png_paths, dtype=object)
    ImageFileReader((8, 8)).transform(as_list)
    ImageFileReader((8, 8)).transform(as_array)
    assert as_list == png_paths and as_array.tolist() == png_paths


def test_row_order_and_subsets_are_respected(png_paths):
    """Permuting or sub-setting the paths permutes or sub-sets the images."""
    reader = ImageFileReader((16, 16))
    full = reader.transform(png_paths)
    order = [3, 0, 4, 1, 2]
    np.testing.assert_array_equal(reader.transform([png_paths[i] for i in order]),
                                  full[order])
    np.testing.assert_array_equal(reader.transform(png_paths[1:3]), full[1:3])


def test_threads_give_the_same_images(png_paths):
    """n_jobs=2 and n_jobs=-1 read exactly what n_jobs=1 reads."""
    paths = png_paths * 7  # several chunks per thread
    expected = ImageFileReader((20, 24)).transform(paths)
    for n_jobs in (2, -1):
        np.testing.assert_array_equal(
            ImageFileReader((20, 24), n_jobs=n_jobs).transform(paths), expected)


def test_clone_and_pickle_read_the_same(png_paths):
    """clone and a pickle round trip keep the parameters and the result."""
    reader = ImageFileReader((12, 10), color_mode="grayscale", interpolation="area")
    expected = reader.transform(png_paths)
    for copy in (clone(reader), pickle.loads(pickle.dumps(reader))):
        assert copy.get_params() == reader.get_params()
        np.testing.assert_array_equal(copy.transform(png_paths), expected)


def test_skip_is_refused_by_fit(png_paths):
    """fit (hence every pipeline) refuses on_error="skip": dropped rows would no
    longer match y, or shift predictions onto the wrong paths."""
    reader = ImageFileReader((8, 8), on_error="skip")
    for method in (reader.fit, reader.fit_transform):
        with pytest.raises(ValueError, match="on_error='skip' drops the rows"):
            method(png_paths, np.arange(5))


def test_bad_parameter_type_is_refused_by_scikit_learns_validation(png_paths):
    """fit validates the declared _parameter_constraints (scikit-learn's message)."""
    with pytest.raises(TypeError, match="The 'color_mode' parameter of "
                                        "ImageFileReader must be an instance of"):
        ImageFileReader((8, 8), color_mode=["rgb"]).fit(png_paths)


# Pipelines ------------------------------------------------------------------


def _two_class_folder(root, n_per_class=12):
    """Crops of the two sample photographs, one class each, as JPEGs."""
    paths, labels = [], []
    for label, photo in enumerate([0, 1]):
        for i in range(n_per_class):
            path = root / f"class{label}" / f"{i}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_image(path, crop(i, 40, 40, photo=photo))
            paths.append(str(path))
            labels.append(label)
    return np.array(paths), np.array(labels)


def _flatten(X):
    return X.reshape(len(X), -1)


def test_pipeline_from_paths_reads_augments_and_classifies(tmp_path):
    """read -> augment (fit time only) -> flatten -> classifier, from a folder.
    The sampler runs at fit only; a 1-nearest-neighbour classifier then predicts
    the training paths' own labels exactly (their unaugmented images are among
    its training rows), which fails if rows and labels get out of step."""
    from imblearn.pipeline import Pipeline
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import FunctionTransformer

    paths, labels = _two_class_folder(tmp_path)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(paths))  # classes interleaved
    paths, labels = paths[order], labels[order]
    pipe = Pipeline([
        ("read", ImageFileReader((16, 16))),
        ("augment", ArrayAugmenter(horizontal_flip=True, width_shift_range=0.1,
                                   n_copies=2, random_state=0)),
        ("flatten", FunctionTransformer(_flatten)),
        ("clf", KNeighborsClassifier(n_neighbors=1)),
    ])
    pipe.fit(paths, labels)
    assert len(pipe.named_steps["augment"].sample_indices_) == 3 * len(paths)
    assert pipe[-1].n_samples_fit_ == 3 * len(paths)
    np.testing.assert_array_equal(pipe.predict(paths), labels)
    # At predict time nothing is augmented: one prediction per path, in order.
    np.testing.assert_array_equal(pipe.predict(paths[::-1]), labels[::-1])


def test_pipeline_cross_validates_from_paths(tmp_path):
    """cross_val_score clones and refits the reader in every fold."""
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.tree import DecisionTreeClassifier

    paths, labels = _two_class_folder(tmp_path, n_per_class=6)
    pipe = make_pipeline(ImageFileReader((8, 8)), FunctionTransformer(_flatten),
                         DecisionTreeClassifier(random_state=0))
    scores = cross_val_score(pipe, paths, labels, cv=StratifiedKFold(3))
    assert scores.shape == (3,) and np.isfinite(scores).all()


# ImageFileSequence: the lazily indexed source flows batch from --------------


def test_sequence_reads_only_the_rows_asked_for(tmp_path, png_paths):
    """A missing file is not touched unless its row is read."""
    paths = png_paths[:3] + [str(tmp_path / "missing.png")] + png_paths[3:]
    sequence = ImageFileSequence(paths, (16, 16))
    assert len(sequence) == 6 and sequence.shape == (6, 16, 16, 3)
    assert sequence.dtype == np.uint8
    batch = sequence.read([4, 0, 2])
    np.testing.assert_array_equal(batch.indices, [4, 0, 2])
    expected = ImageFileReader((16, 16)).transform([paths[4], paths[0], paths[2]])
    np.testing.assert_array_equal(batch.images, expected)
    with pytest.raises(ValueError, match="missing.png"):
        sequence.read([2, 3])


def test_sequence_skip_reports_rows_and_reasons(tmp_path, png_paths):
    """With on_error="skip", read gives the rows it kept and why others were not."""
    bad = write_bad_files(tmp_path / "bad")
    paths = [png_paths[0], str(bad["text"]), png_paths[1]]
    batch = ImageFileSequence(paths, (8, 8), on_error="skip").read([2, 1, 0])
    np.testing.assert_array_equal(batch.indices, [2, 0])
    assert batch.images.shape == (2, 8, 8, 3)
    assert batch.skipped == [(1, str(bad["text"]), batch.skipped[0][2])]
    assert "not a decodable image" in batch.skipped[0][2]


def test_sequence_indexing(png_paths):
    """Integers, negative integers, slices, arrays of rows, masks and tuples index
    like an array of shape (n, H, W, C)."""
    sequence = ImageFileSequence(png_paths)
    full = ImageFileReader(None).transform(png_paths)
    np.testing.assert_array_equal(sequence[1], full[1])
    np.testing.assert_array_equal(sequence[-1], full[-1])
    np.testing.assert_array_equal(sequence[1:4], full[1:4])
    np.testing.assert_array_equal(sequence[[3, 1]], full[[3, 1]])
    mask = np.array([True, False, True, False, False])
    np.testing.assert_array_equal(sequence[mask], full[mask])
    np.testing.assert_array_equal(sequence[0:2, 5:10, :, 1], full[0:2, 5:10, :, 1])
    with pytest.raises(IndexError):
        sequence[5]


def test_sequence_pickles_without_its_images(png_paths):
    """The pickle holds file names only, and reads the same after loading."""
    sequence = ImageFileSequence(png_paths, (8, 8))
    expected = sequence.read(range(5)).images
    data = pickle.dumps(sequence)
    assert len(data) < 48 * 64 * 3  # not even one decoded image
    np.testing.assert_array_equal(pickle.loads(data).read(range(5)).images, expected)


def test_sequence_is_a_dask_array_source(png_paths):
    """dask.array.from_array reads it lazily, chunk by chunk, with equal values."""
    da = pytest.importorskip("dask.array")
    sequence = ImageFileSequence(png_paths, (8, 8))
    lazy = da.from_array(sequence, chunks=(2, 8, 8, 3))
    assert lazy.shape == (5, 8, 8, 3) and lazy.dtype == np.uint8
    np.testing.assert_array_equal(lazy.compute(), sequence.read(range(5)).images)
