import jax
import jax.numpy as jnp
from cog import BasePredictor, Input


@jax.jit
def polynomial(x):
    return 3.0 * x**2 + 2.0 * x + 1.0


class Predictor(BasePredictor):
    def setup(self):
        # Compiles once, and checks that autodiff works in the image: d/dx at 1 is 6 + 2.
        slope = float(jax.grad(polynomial)(jnp.float32(1.0)))
        if slope != 8.0:
            raise RuntimeError(f"jax.grad gave {slope}, expected 8.0")

    def predict(self, x: float = Input(description="where to evaluate 3x^2 + 2x + 1", default=2.0)) -> float:
        return float(polynomial(jnp.float32(x)))
