import tensorflow as tf
from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, x: float = Input(description="a number to square", default=3.0)) -> float:
        return float(tf.square(tf.constant(x)).numpy())
