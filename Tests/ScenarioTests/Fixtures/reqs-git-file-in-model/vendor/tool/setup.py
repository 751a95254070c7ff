from setuptools import setup
setup(name="tool", version="0.1")
