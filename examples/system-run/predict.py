from cog import BasePredictor, Input


class Predictor(BasePredictor):
    async def predict(self, path: str = Input(description="a file in the image", default="/etc/model-build-note")) -> str:
        with open(path) as f:
            return f.read()
