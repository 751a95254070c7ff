class Predictor:
    def predict(self) -> str:
        return "hi"
