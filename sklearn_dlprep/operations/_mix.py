"""Operations that mix pairs of samples and their labels: MixUp and CutMix.

They change labels (a mixed image gets a soft label), which a sampler cannot give a
scikit-learn estimator, so they act only in a flow: ``augmenter.flow(X, y,
mix=MixUp(...))`` mixes pairs inside every batch, after augmentation, and returns
one-hot float labels mixed in the same proportions. ``Compose`` and pipelines refuse
them with a message that points to ``flow``.

Draws follow the operation protocol (``draw(n, rng, context)``, always the same
values in the same order); ``mix(images, labels, draws, context)`` applies them to a
batch in the canonical ``(n, height, width, channels)`` view, deterministically.
The draw keys follow Keras 3's transformation dicts (``permutation_order``,
``mix_weight``), so a Keras draw can be replayed here and compared.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from .._engine import cast_like
from ..utils._param_validation import interval, pair_of
from ._base import PROBABILITY, Operation


class _MixOperation(Operation):
    """Base of the operations that mix samples and labels (flow only)."""

    kind = "mix"
    mixes_labels = True

    def _refuse(self, *args, **kwargs):
        name = type(self).__name__
        raise TypeError(
            f"{name} mixes pairs of samples and their labels into soft labels, which "
            "a transformer or sampler in a pipeline cannot hand to a scikit-learn "
            "estimator. Use it in a flow: augmenter.flow(X, y, batch_size=64, "
            f"mix={name}(...)) yields batches with mixed samples and soft labels."
        )

    # A pipeline (scikit-learn's or imbalanced-learn's) takes the step for a
    # transformer and, once fitted, gets the message above rather than one about
    # missing methods.
    fit = transform = fit_transform = _refuse

    def mix(self, images, labels, draws, context):
        """Mix the samples of a batch in pairs, and their labels alike.

        Parameters
        ----------
        images : ndarray of shape (n, height, width, channels)
            The batch in the canonical view; not modified.
        labels : ndarray of shape (n, n_columns), float
            Soft labels (one-hot rows, possibly with extra columns, such as sample
            weights, to be mixed in the same proportions); not modified.
        draws : dict
            As :meth:`draw` returns for ``n`` samples.
        context : Context
            What :meth:`resolve` returned.

        Returns
        -------
        images : ndarray of shape (n, height, width, channels)
            Mixed, in the dtype of ``images`` (integers rounded and clipped).
        labels : ndarray of shape (n, n_columns)
            Mixed in the proportions of each sample's pixels.
        """
        raise NotImplementedError


def _mix_labels(labels, weight, permutation):
    """``weight * labels + (1 - weight) * labels[permutation]``, row by row (Keras'
    ``transform_labels``)."""
    weight = np.asarray(weight, dtype=labels.dtype)[:, np.newaxis]
    return weight * labels + (1 - weight) * labels[permutation]


class MixUp(_MixOperation):
    """Blend pairs of samples of a batch and their labels (MixUp).

    Keras 3's ``MixUp``: sample ``i`` becomes ``w * x[i] + (1 - w) * x[j]`` and its
    label ``w * y[i] + (1 - w) * y[j]``, with ``j`` a random permutation of the
    batch and ``w`` drawn from ``Beta(alpha, alpha)`` for every sample. It acts
    only in a flow, ``augmenter.flow(X, y, mix=MixUp())``, which returns the labels
    as mixed one-hot rows.

    Read more in the :ref:`User Guide <training_loops_mix>`.

    Parameters
    ----------
    alpha : float, default=0.2
        Shape of the ``Beta(alpha, alpha)`` distribution of the weights, > 0.
        Small values keep most samples close to one of the pair (0.2 is the value
        recommended for ImageNet); 1 draws the weight uniformly.

    p : float, default=1.0
        Probability that a sample is mixed; the others keep their pixels and
        label.

    See Also
    --------
    CutMix : Paste a patch of another sample instead of blending.
    ArrayAugmenter.flow : Where the mixing happens.

    Notes
    -----
    Given the same draws (``permutation_order`` and ``mix_weight``), the samples and
    labels equal Keras 3's ``MixUp.transform_images`` and ``transform_labels`` for
    float samples. Integer samples (uint8 images) are mixed in floating point and
    rounded back to their dtype, where Keras returns floats.

    References
    ----------
    H. Zhang, M. Cisse, Y. N. Dauphin and D. Lopez-Paz, "mixup: Beyond Empirical Risk
    Minimization", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import ArrayAugmenter, MixUp
    >>> X = np.random.default_rng(0).random((64, 8, 8, 1), dtype=np.float32)
    >>> y = np.arange(64) % 4
    >>> batches = ArrayAugmenter().flow(X, y, batch_size=16, mix=MixUp(alpha=0.2),
    ...                                 random_state=0)
    >>> X_batch, y_batch = batches[0]
    >>> X_batch.shape, y_batch.shape, y_batch.dtype
    ((16, 8, 8, 1), (16, 4), dtype('float32'))
    >>> bool(np.allclose(y_batch.sum(axis=1), 1))
    True
    """

    _parameter_constraints: dict = {
        "alpha": [interval(numbers.Real, 0, closed="neither")],
        "p": [PROBABILITY],
    }

    def __init__(self, alpha=0.2, *, p=1.0):
        self.alpha = alpha
        self.p = p

    def draw(self, n_samples, rng, context):
        # Always drawn, in this order: whether each sample is mixed, the pairing,
        # the weights.
        applied = rng.random(n_samples) < self.p
        permutation = rng.permutation(n_samples)
        weight = rng.beta(self.alpha, self.alpha, n_samples)
        return {"applied": applied, "permutation_order": permutation,
                "mix_weight": np.where(applied, weight, 1.0)}

    def mix(self, images, labels, draws, context):
        permutation = np.asarray(draws["permutation_order"], dtype=np.intp)
        work_dtype = np.float64 if images.dtype == np.float64 else np.float32
        weight = np.asarray(draws["mix_weight"], dtype=work_dtype)
        weight = weight.reshape((-1,) + (1,) * (images.ndim - 1))
        work = images.astype(work_dtype)
        mixed = weight * work + (1 - weight) * work[permutation]
        return (cast_like(mixed, images.dtype),
                _mix_labels(labels, draws["mix_weight"], permutation))


class CutMix(_MixOperation):
    """Paste a rectangle of another sample of the batch, and mix labels by area.

    Keras 3's ``CutMix``: sample ``i`` receives, inside a random box, the pixels
    of sample ``j`` (``j`` a random permutation of the batch), and its label
    becomes ``w * y[i] + (1 - w) * y[j]`` with ``w`` the fraction of its own
    pixels that remain. The box covers a fraction ``1 - lam`` of the image, ``lam``
    drawn from ``Beta(a, a)`` with ``a`` drawn once per batch in ``factor``; its
    position is uniform inside the image. For a 1-D signal the box is a segment of
    the time axis. It acts only in a flow, ``augmenter.flow(X, y, mix=CutMix())``.

    Read more in the :ref:`User Guide <training_loops_mix>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        Range of the Beta parameter ``a``: a number ``f`` in [0, 1] means
        ``[0, f]``, a pair that interval (Keras' ``factor``). 1 gives box areas
        spread uniformly.

    p : float, default=1.0
        Probability that a sample receives a patch; the others keep their pixels
        and label.

    See Also
    --------
    MixUp : Blend whole samples instead.
    ArrayAugmenter.flow : Where the mixing happens.

    Notes
    -----
    Given the same draws (``permutation_order`` and the box ``x0, x1, y0, y1`` in
    pixels, column and row), the samples equal Keras 3's ``CutMix`` exactly: the
    box holds the pixels whose column ``c`` satisfies ``x0 <= c < x1`` and whose
    row ``r`` satisfies ``y0 <= r < y1``. The labels deliberately differ: Keras
    weighs them by the continuous area ``(x1 - x0) * (y1 - y0)``, which differs
    from the number of pixels pasted by up to a row and a column of the box; here
    the weight is the fraction of pixels actually pasted, as in the CutMix paper's
    code. The two agree when the box corners are whole pixels. The samples keep
    their dtype (no arithmetic is done on them).

    References
    ----------
    S. Yun, D. Han, S. J. Oh, S. Chun, J. Choe and Y. Yoo, "CutMix: Regularization
    Strategy to Train Strong Classifiers with Localizable Features", ICCV 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import ArrayAugmenter, CutMix
    >>> X = np.random.default_rng(0).integers(0, 256, (64, 16, 16, 3), dtype=np.uint8)
    >>> y = np.arange(64) % 4
    >>> batches = ArrayAugmenter().flow(X, y, batch_size=16, mix=CutMix(),
    ...                                 random_state=0)
    >>> X_batch, y_batch = batches[0]
    >>> X_batch.dtype, y_batch.shape
    (dtype('uint8'), (16, 4))
    >>> bool(np.allclose(y_batch.sum(axis=1), 1))
    True
    """

    _parameter_constraints: dict = {
        "factor": [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0)],
        "p": [PROBABILITY],
    }

    def __init__(self, factor=1.0, *, p=1.0):
        self.factor = factor
        self.p = p

    def draw(self, n_samples, rng, context):
        # Always drawn, in this order: whether each sample is mixed, the Beta
        # parameter of the batch (Keras adds 1e-6 so that 0 stays valid), the
        # areas, the positions along the width then the height, the pairing.
        applied = rng.random(n_samples) < self.p
        if isinstance(self.factor, numbers.Real):
            low, high = 0.0, float(self.factor)
        else:
            low, high = (float(f) for f in self.factor)
        a = rng.uniform(low, high) + 1e-6
        lam = rng.beta(a, a, n_samples)
        start_x = rng.random(n_samples)
        start_y = rng.random(n_samples)
        permutation = rng.permutation(n_samples)

        height, width = context.height, context.width
        if context.spatial_ndim == 2:
            ratio = np.sqrt(1.0 - lam)
            cut_width, cut_height = ratio * width, ratio * height
        else:  # a segment of the time axis, across the (single) row
            cut_width, cut_height = (1.0 - lam) * width, np.full(n_samples, height)
        x0 = start_x * (width - cut_width)
        y0 = start_y * (height - cut_height)
        x1 = np.where(applied, x0 + cut_width, x0)
        y1 = np.where(applied, y0 + cut_height, y0)
        return {"applied": applied, "permutation_order": permutation,
                "x0": x0, "x1": x1, "y0": y0, "y1": y1}

    def mix(self, images, labels, draws, context):
        permutation = np.asarray(draws["permutation_order"], dtype=np.intp)
        height, width = images.shape[1:3]
        x0, x1, y0, y1 = (np.asarray(draws[k])[:, np.newaxis]
                          for k in ("x0", "x1", "y0", "y1"))
        columns, rows = np.arange(width), np.arange(height)
        in_columns = (columns >= x0) & (columns < x1)          # (n, width)
        in_rows = (rows >= y0) & (rows < y1)                   # (n, height)
        box = in_rows[:, :, np.newaxis] & in_columns[:, np.newaxis, :]
        mixed = np.where(box[..., np.newaxis], images[permutation], images)
        pasted = in_rows.sum(axis=1) * in_columns.sum(axis=1) / (height * width)
        return mixed, _mix_labels(labels, 1.0 - pasted, permutation)
