"""The TensorFlow adapter: `tf.GradientTape` and `tf.autodiff.ForwardAccumulator`.

See `_adapter` for the interface.
"""

import numpy as np
import tensorflow as tf

_ZERO = tf.UnconnectedGradients.ZERO


def loss_and_gradients(objective, variables):
    with tf.GradientTape() as tape:
        value = objective()
    gradients = tape.gradient(value, variables, unconnected_gradients=_ZERO)
    return value, [_numpy(gradient) for gradient in gradients]


def evaluator(objective, variables):
    # A graph reads the variables each call, so assigned values are seen.
    compiled = tf.function(objective)
    return lambda: float(compiled())


def gradients(f, values):
    tensors = [tf.constant(value) for value in values]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = f(*tensors)
    result = tape.gradient(value, tensors, unconnected_gradients=_ZERO)
    return [_numpy(gradient) for gradient in result]


def hessian(f, x):
    # The inner tape gives the gradient g(x), the outer one its Jacobian.
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            value = f(x)
        gradient = inner.gradient(value, x, unconnected_gradients=_ZERO)
    # The vectorized Jacobian traces a new tf.function per call; TensorFlow
    # would warn about retracing after a few calls, which is expected here.
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        matrix = outer.jacobian(gradient, x, unconnected_gradients=_ZERO)
    finally:
        logger.setLevel(level)
    return _numpy(matrix)


def hessian_vector_product(f, x, v):
    # Forward-over-reverse: the accumulator pushes the tangent v through the
    # tape's gradient computation, giving the derivative of g along v.
    x, v = tf.constant(x), tf.constant(v)
    with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as accumulator:
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = f(x)
        gradient = tape.gradient(value, x, unconnected_gradients=_ZERO)
    return _numpy(accumulator.jvp(gradient, unconnected_gradients=_ZERO))


def _numpy(tensor):
    # Embedding lookups give IndexedSlices; convert_to_tensor makes them dense.
    return np.asarray(tf.convert_to_tensor(tensor))
