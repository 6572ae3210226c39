"""Command line: ``python -m sklearn_dlprep demo`` (or ``sklearn-dlprep demo``)."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import sys
import time

# numpy's legacy seeding (scikit-learn's random_state) takes 32-bit seeds.
MAX_SEED = 2**32 - 1


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _minority_count(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an int: {text!r}") from None
    if not 1 <= value <= 9:
        raise argparse.ArgumentTypeError(f"must be from 1 to 9, got {text}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an int: {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"must be an int from 0 to {MAX_SEED}, got {text}")
    return value


def build_parser():
    """The argument parser of the ``sklearn-dlprep`` command."""
    parser = argparse.ArgumentParser(
        prog="sklearn-dlprep",
        description="Data preparation for deep-learning-style training, the "
                    "scikit-learn way.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="compare data preparations on scikit-learn's digits and draw pictures",
        description=(
            "On scikit-learn's digits (8x8 images, shipped with scikit-learn): split "
            "train / validation / test (stratified), make the training part "
            "imbalanced, then compare no preparation, scaling (ChannelStandardizer), "
            "augmentation (ArrayAugmenter), balancing by augmentation "
            "(BalancingResampler), imbalanced-learn's RandomOverSampler and SMOTE, "
            "fresh balanced augmentation at every epoch (AugmentedEpochsClassifier) "
            "and test-time augmentation (TestTimeAugmentationClassifier) with one "
            "classifier, each tuned by GridSearchCV on the validation part "
            "and scored once on the untouched test part. Prints a "
            "table (accuracy, balanced accuracy, macro F1, fit time); writes "
            "augmentations.png and class_counts.png. Progress goes to stderr."
        ),
    )
    demo.add_argument(
        "--imbalance", type=_fraction, default=0.1, metavar="FRACTION",
        help="fraction of their training rows that the minority classes keep, in "
             "(0, 1]; 1 keeps the training part balanced (default: %(default)s)")
    demo.add_argument(
        "--minority-classes", type=_minority_count, default=5, metavar="N",
        help="how many of the 10 digits become minority classes, drawn at random "
             "with --seed (default: %(default)s, half the classes)")
    demo.add_argument(
        "--classifier", choices=("mlp", "logistic"), default="mlp",
        help="the classifier of every row: mlp, a small neural network (one hidden "
             "layer of 64 units, its alpha searched), or logistic, "
             "LogisticRegression (its C searched; the fresh-epochs row, which "
             "trains by partial_fit, uses SGDClassifier(loss='log_loss') and "
             "searches its alpha) (default: %(default)s)")
    demo.add_argument(
        "--seed", type=_seed, default=0,
        help="seeds the split, the minority classes and rows, and the samplers: "
             "the same seed prints the same metrics (default: %(default)s)")
    demo.add_argument(
        "--out", default="demo_out", metavar="DIR",
        help="folder for the pictures, created if needed (default: %(default)s)")
    demo.add_argument(
        "--quick", action="store_true",
        help="a smaller grid search: the same rows and real fits, in about half "
             "the time (under ten seconds with --classifier logistic)")
    demo.add_argument(
        "--no-plots", action="store_true",
        help="print the table only; write no pictures")
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from ._demo import (
        check_output_folder,
        format_table,
        matplotlib_available,
        run_demo,
    )

    plots = not args.no_plots
    if plots:
        # Before the demo's minute of work, not after it.
        try:
            check_output_folder(args.out)
        except ValueError as exc:
            parser.error(f"demo: argument --out: {exc}")
    if plots and matplotlib_available():
        import matplotlib

        matplotlib.use("Agg")  # files only: no window, no display needed
    start = time.perf_counter()
    result = run_demo(imbalance=args.imbalance, n_minority=args.minority_classes,
                      classifier=args.classifier, seed=args.seed, out=args.out,
                      quick=args.quick, plots=plots, log=sys.stderr)
    print(format_table(result))
    print(f"done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
