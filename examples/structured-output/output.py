from typing import List, Optional

from cog import BaseModel


class Output(BaseModel):
    text: str
    words: int
    mean_length: float
    palindrome: bool
    lengths: List[int]
    longest: Optional[str]
