"""A float64 copy of a model and its loss, for precise finite differences."""

import keras
from keras import ops

from keras_embeddings.errors import InvalidInputError

_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def float64_copy(model, loss, x):
    """The model and loss re-created with float64 weights and computations."""
    if isinstance(loss, (list, tuple, dict)):
        raise InvalidInputError(
            "`check_gradients` needs a single loss. Received: loss="
            f"{loss!r}. For a multi-output model pass one callable "
            "`loss(y_true, y_pred)` that combines the outputs."
        )
    try:
        config = keras.saving.serialize_keras_object(model)
    except NotImplementedError as error:
        raise InvalidInputError(
            f"`check_gradients` works on a float64 copy of the model, made "
            f"from its config, but {type(model).__name__} cannot be copied: "
            "implement `get_config()` so that `from_config(get_config())` "
            f"re-creates it. ({error})"
        ) from error
    config.pop("build_config", None)  # built below by calling it on `x`
    config.pop("compile_config", None)  # the optimizer is not needed
    config = _float64_config(config)
    # Custom classes of the model (even ones not registered or defined in a
    # function) are found by name; `_flatten_layers` lists every sublayer.
    custom_objects = {}
    for layer in model._flatten_layers(include_self=True):
        cls = type(layer)
        custom_objects[cls.__name__] = cls
        custom_objects[keras.saving.get_registered_name(cls)] = cls

    previous_floatx = keras.config.floatx()
    previous_policy = keras.config.dtype_policy()
    try:
        # Layers made inside a subclassed model's __init__ or build() take the
        # global dtype policy, and losses take floatx: both float64 for now.
        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        try:
            # safe_mode=False: the config comes from a live object, not a file,
            # so Lambda layers may be re-created.
            clone = keras.saving.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=False
            )
            clone(x, training=False)  # builds subclassed models
        except Exception as error:
            raise InvalidInputError(
                f"`check_gradients` could not re-create {type(model).__name__} "
                f"{model.name!r} from its config in float64 and call it on `x`: "
                f"{error}. Check that `get_config()` returns every argument of "
                "`__init__` and that the model accepts `x`."
            ) from error
        loss_fn = _float64_loss(loss)
    finally:
        keras.config.set_floatx(previous_floatx)
        keras.config.set_dtype_policy(previous_policy)

    if len(clone.weights) != len(model.weights) or any(
        tuple(a.shape) != tuple(b.shape) for a, b in zip(model.weights, clone.weights)
    ):
        raise InvalidInputError(
            f"The float64 copy of {model.name!r} has different weights "
            f"({[tuple(w.shape) for w in clone.weights]}) than the model "
            f"({[tuple(w.shape) for w in model.weights]}): its `get_config()` "
            "does not re-create the same architecture."
        )
    for source, target in zip(model.weights, clone.weights):
        target.assign(ops.convert_to_numpy(source.value).astype(target.dtype))
    for source, target in zip(model.trainable_weights, clone.trainable_weights):
        if target.dtype != "float64":
            raise InvalidInputError(
                f"Weight `{source.path}` stays {target.dtype} in the float64 copy "
                "(its layer fixes its dtype), so its gradient cannot be checked "
                "precisely."
            )
    return clone, loss_fn


def _float64_config(config):
    """A copy of a serialized config with every float dtype set to float64."""
    if isinstance(config, dict):
        return {
            key: _float64_dtype(value) if key == "dtype" else _float64_config(value)
            for key, value in config.items()
        }
    if isinstance(config, (list, tuple)):
        return type(config)(_float64_config(value) for value in config)
    return config


def _float64_dtype(dtype):
    name = dtype
    if isinstance(dtype, dict) and str(dtype.get("class_name", "")).endswith(
        "DTypePolicy"
    ):
        name = dtype.get("config", {}).get("name")
    if isinstance(name, str) and (name in _FLOAT_DTYPES or name.startswith("mixed_")):
        return "float64"
    return _float64_config(dtype)  # integer inputs, quantized policies: unchanged


def _float64_loss(loss):
    """A loss callable that computes in float64 (called with floatx float64)."""
    if isinstance(loss, str):
        try:
            return keras.losses.get(loss)
        except ValueError as error:
            raise InvalidInputError(
                f"`loss` {loss!r} is not a Keras loss name. ({error})"
            ) from error
    if isinstance(loss, keras.losses.Loss):
        # A Loss casts its inputs to the floatx of its creation; re-create it.
        try:
            return type(loss).from_config(loss.get_config())
        except Exception as error:
            raise InvalidInputError(
                f"The loss {loss!r} could not be re-created from its config to "
                "compute in float64. Pass a plain function `loss(y_true, "
                f"y_pred)` as `loss=`. ({error})"
            ) from error
    if callable(loss):
        return loss
    raise InvalidInputError(
        "`loss` must be a Keras loss name, a `keras.losses.Loss` or a callable "
        f"`loss(y_true, y_pred)`. Received: loss={loss!r}"
    )
