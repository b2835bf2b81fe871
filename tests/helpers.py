"""Shared test helpers, in the spirit of keras-hub's `TestCase.run_layer_test`.

Import from a test module with `from helpers import run_layer_test` (pytest
puts `tests/` on `sys.path` because it has a `conftest.py` and no
`__init__.py`).
"""

import contextlib
import json
import os
import tempfile

import keras
import numpy as np


@contextlib.contextmanager
def float64_precision(scope=None):
    """Compute in float64 inside the block, as a user of the models would.

    Sets `keras.config.floatx()` and the global dtype policy to float64
    inside `scope`, by default JAX's 64-bit mode on the JAX backend (what the
    models' docstrings ask a user to do) and nothing elsewhere; everything is
    restored on exit. Deliberately not `float64_scope`, which also stops
    Keras' float64-to-float32 promotion: the models must keep float64 on
    PyTorch and JAX without it. Tests use it through the `float64` fixture of
    `conftest.py`.
    """
    if scope is None and keras.backend.backend() == "jax":
        import jax

        scope = jax.enable_x64(True)
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    with contextlib.nullcontext() if scope is None else scope:
        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        try:
            yield
        finally:
            keras.config.set_floatx(floatx)
            keras.config.set_dtype_policy(policy)


def float64_without_jax_x64():
    """floatx and dtype policy float64 with JAX's 64-bit mode off (JAX only):
    where the package's models and layers must refuse to build, since JAX
    would silently compute their float64 in float32."""
    import jax

    return float64_precision(scope=jax.enable_x64(False))


JAX_ONLY = (
    "JAX only: TensorFlow and PyTorch always compute float64 in float64, "
    "JAX only in its 64-bit mode"
)
# The error's message: names the JAX backend and the two ways to fix it.
FLOAT64_ON_JAX_ERROR = (
    r"JAX backend computes in float32 unless JAX's 64-bit mode is on.*"
    r"jax\.config\.update\('jax_enable_x64', True\).*JAX_ENABLE_X64=1"
)


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_data,
    expected_output_shape,
    expected_output_data=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    run_training_check=True,
    expect_training_changes_weights=True,
    seed=0,
    atol=1e-6,
):
    """The checks every layer of the package must pass.

    1. `get_config` is JSON-serializable and `from_config(get_config())`
       gives a layer with the same config, which computes the same outputs
       once given the same weights;
    2. a symbolic call on `keras.Input`s gives the expected shape (batch
       dimension `None`), as `compute_output_shape` does;
    3. an eager call on `input_data` gives `expected_output_shape` (and
       `expected_output_data`, when given) and the expected weight counts;
    4. one `fit` step of a functional model around the layer runs with a
       finite loss and (unless `expect_training_changes_weights=False`)
       moves a trainable weight;
    5. the model saved as `.keras` and loaded with `safe_mode=True` holds a
       `layer_cls` with the same config and gives the same outputs.

    Args:
        layer_cls: the layer class.
        init_kwargs: dict, the constructor arguments.
        input_data: a NumPy array with a batch dimension, or a list or dict
            of them for a layer with several inputs.
        expected_output_shape: tuple, the output shape on `input_data`
            (one output tensor).
        expected_output_data: optional array, the expected eager output.
        expected_num_trainable_weights: optional int.
        expected_num_non_trainable_weights: optional int.
        run_training_check: bool, whether to run step 4 (needs a float
            output that a mean-squared error can train).
        expect_training_changes_weights: bool, whether step 4 must change a
            trainable weight (False for layers whose gradient is zero).
        seed: int, for `keras.utils.set_random_seed`.
        atol: float, the tolerance of the output comparisons.

    Returns:
        The layer, built and trained by one step.
    """
    keras.utils.set_random_seed(seed)
    layer = layer_cls(**init_kwargs)

    # 1. Config round trip (before building: the config must not need weights).
    config = layer.get_config()
    json.dumps(keras.saving.serialize_keras_object(layer))
    revived = layer_cls.from_config(config)
    assert revived.get_config() == config, (config, revived.get_config())

    # 2. Symbolic call.
    inputs = keras.tree.map_structure(
        lambda a: keras.Input(shape=np.shape(a)[1:], dtype=str(np.asarray(a).dtype)),
        input_data,
    )
    symbolic = layer(inputs)
    expected_symbolic = (None, *expected_output_shape[1:])
    assert tuple(symbolic.shape) == expected_symbolic, symbolic.shape
    symbolic_shapes = keras.tree.map_structure(lambda x: tuple(x.shape), inputs)
    assert tuple(layer.compute_output_shape(symbolic_shapes)) == expected_symbolic

    # 3. Eager call, weight counts.
    output = keras.ops.convert_to_numpy(layer(input_data))
    assert output.shape == tuple(expected_output_shape), output.shape
    if expected_output_data is not None:
        np.testing.assert_allclose(output, expected_output_data, atol=atol)
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    revived(input_data)  # build
    revived.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(revived(input_data)), output, atol=atol
    )

    # 4. One fit step.
    model = keras.Model(inputs, symbolic)
    np.testing.assert_allclose(model.predict(input_data, verbose=0), output, atol=atol)
    if run_training_check:
        before = [np.array(w) for w in layer.trainable_weights]
        targets = np.random.default_rng(seed).normal(size=output.shape)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        history = model.fit(
            input_data, targets.astype(output.dtype), batch_size=len(output), verbose=0
        )
        assert np.isfinite(history.history["loss"][0])
        after = [np.array(w) for w in layer.trainable_weights]
        changed = any(not np.array_equal(b, a) for b, a in zip(before, after))
        assert changed == expect_training_changes_weights, (before, after)
        output = model.predict(input_data, verbose=0)

    # 5. `.keras` save and load.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    loaded_layers = [x for x in loaded.layers if isinstance(x, layer_cls)]
    assert len(loaded_layers) == 1, loaded.layers
    assert loaded_layers[0].get_config() == layer.get_config()
    np.testing.assert_allclose(loaded.predict(input_data, verbose=0), output, atol=atol)
    return layer


# The variable and compute dtypes of each policy that `run_precision_test` runs.
PRECISION_POLICIES = {
    "mixed_float16": ("float32", "float16"),
    "float64": ("float64", "float64"),
}


def run_precision_test(
    layer_cls,
    init_kwargs,
    input_data,
    policy,
    call_kwargs=None,
    run_training_check=True,
    seed=0,
):
    """A `policy` instance of the layer keeps the policy's dtypes.

    `layer_cls(**init_kwargs, dtype=policy)`, with `policy` `"mixed_float16"`
    (float32 variables, float16 computations) or `"float64"` (float64 both;
    on JAX inside JAX's 64-bit mode, which a float64 user must turn on):

    1. an eager call on `input_data` gives an output of the compute dtype,
       and every weight has the variable dtype;
    2. a symbolic call on `keras.Input`s gives the compute dtype;
    3. one `fit` step of a functional model around the layer (unless
       `run_training_check=False`, for layers without weights) gives a finite
       loss, moves a trainable weight and keeps every weight's dtype.

    Args:
        layer_cls: the layer class.
        init_kwargs: dict, the constructor arguments (without `dtype`).
        input_data: a NumPy array with a batch dimension, or a tuple of them
            passed as positional arguments.
        policy: `"mixed_float16"` or `"float64"`.
        call_kwargs: optional dict of call arguments (masks, flags).
        run_training_check: bool, whether to run step 3.
        seed: int, for `keras.utils.set_random_seed`.

    Returns:
        A tuple `(output, weights)`: the eager output of step 1 and the
        layer's weights it was computed with, as float64 NumPy arrays, for
        the caller's comparison with an oracle.
    """
    variable_dtype, compute_dtype = PRECISION_POLICIES[policy]
    call_kwargs = call_kwargs or {}
    args = input_data if isinstance(input_data, tuple) else (input_data,)
    if policy != "float64":  # float32 data, as a mixed-precision user has
        args = tuple(np.asarray(a, "float32") for a in args)
    scope = contextlib.nullcontext()
    if policy == "float64" and keras.backend.backend() == "jax":
        import jax

        scope = jax.enable_x64(True)
    with scope:
        keras.utils.set_random_seed(seed)
        layer = layer_cls(**init_kwargs, dtype=policy)

        # 1. Eager call.
        output = layer(*args, **call_kwargs)
        assert keras.backend.standardize_dtype(output.dtype) == compute_dtype
        for weight in layer.weights:
            assert weight.dtype == variable_dtype, (weight.path, weight.dtype)
        result = keras.ops.convert_to_numpy(output).astype("float64")
        weights = [np.asarray(w, "float64") for w in layer.get_weights()]

        # 2. Symbolic call.
        inputs = [
            keras.Input(shape=np.shape(a)[1:], dtype=str(np.asarray(a).dtype))
            for a in args
        ]
        symbolic = layer(*inputs, **call_kwargs)
        assert keras.backend.standardize_dtype(symbolic.dtype) == compute_dtype

        # 3. One fit step.
        if run_training_check:
            model = keras.Model(inputs, symbolic)
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            targets = np.random.default_rng(seed).normal(size=result.shape)
            history = model.fit(list(args), targets, batch_size=len(result), verbose=0)
            assert np.isfinite(history.history["loss"][0])
            after = layer.get_weights()
            assert any(not np.array_equal(b, a) for b, a in zip(weights, after))
            for weight in layer.weights:
                assert weight.dtype == variable_dtype, (weight.path, weight.dtype)
    return result, weights
