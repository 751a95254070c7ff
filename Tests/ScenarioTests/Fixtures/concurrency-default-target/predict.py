from cog import BasePredictor, Input


class Predictor(BasePredictor):
    async def predict(self, text: str = Input(description="Text to echo")) -> str:
        return text
