from cog import BasePredictor, Input, Path
from PIL import Image, ImageOps


class Predictor(BasePredictor):
    def predict(self, image: Path = Input(description="an image to invert")) -> Path:
        out = Path("/tmp/inverted.png")
        ImageOps.invert(Image.open(image).convert("RGB")).save(out)
        return out
