"""The JAX adapter: `jax.value_and_grad`, `jax.hessian` and `jax.jvp`.

Keras variables are stateful; gradients with respect to them are taken
through a `keras.StatelessScope` that maps each variable to a traced value,
as `model.stateless_call` does. Everything runs in JAX's 64-bit mode, which
is off by default (float64 arrays would silently become float32). See
`_adapter` for the interface.
"""

import jax
import keras
import numpy as np


def loss_and_gradients(objective, variables):
    value, gradients = jax.value_and_grad(_stateless(objective, variables))(
        [variable.value for variable in variables]
    )
    return value, [np.asarray(gradient) for gradient in gradients]


def evaluator(objective, variables):
    # Compiled once; the variables' current values are passed in each call.
    compiled = jax.jit(_stateless(objective, variables))
    return lambda: float(compiled([variable.value for variable in variables]))


def gradients(f, values):
    argnums = tuple(range(len(values)))
    return [np.asarray(g) for g in jax.grad(f, argnums=argnums)(*values)]


def hessian(f, x):
    return np.asarray(jax.hessian(f)(x))  # forward-over-reverse Jacobian


def hessian_vector_product(f, x, v):
    # Forward-over-reverse: the JVP of the gradient function along v.
    return np.asarray(jax.jvp(jax.grad(f), (x,), (v,))[1])


def _stateless(objective, variables):
    """`objective` as a pure function of the variables' values."""

    def function(values):
        # collect_losses: add_loss() calls inside the scope reach model.losses.
        with keras.StatelessScope(
            state_mapping=list(zip(variables, values)), collect_losses=True
        ):
            return objective()

    return function
