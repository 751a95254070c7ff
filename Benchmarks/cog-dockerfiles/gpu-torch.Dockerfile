FROM cogpack/base:bookworm-python3.11
ENV DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1
ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/bin
ENV NVIDIA_DRIVER_CAPABILITIES=all
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked set -eux; apt-get update -qq && apt-get install -qqy --no-install-recommends tini curl; rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/bin/tini", "--"]
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy ffmpeg && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy --no-install-recommends wget curl xz-utils git ca-certificates && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=ca,target=/run/ca.pem --mount=type=cache,target=/root/.cache/pip PIP_CERT=/run/ca.pem python3 -m venv /opt/uv && PIP_CERT=/run/ca.pem /opt/uv/bin/pip install -q uv==0.9.26 && ln -s /opt/uv/bin/uv /usr/local/bin/uv
ENV UV_SYSTEM_PYTHON=true
ENV PATH="/usr/local/bin:$PATH"
COPY .cog-requirements.txt /tmp/requirements.txt
ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"
RUN --mount=type=secret,id=ca,target=/run/ca.pem --mount=type=cache,target=/root/.cache/pip SSL_CERT_FILE=/run/ca.pem uv pip install --break-system-packages --cache-dir /root/.cache/pip -r /tmp/requirements.txt
ENV CFLAGS=
ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"
RUN --mount=type=secret,id=ca,target=/run/ca.pem --mount=type=cache,target=/root/.cache/uv SSL_CERT_FILE=/run/ca.pem uv pip install --break-system-packages cog==0.23.1
ENV CFLAGS=
RUN find / -type f -name "*python*.so" -printf "%h\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
WORKDIR /src
EXPOSE 5000
ENV COG_PREDICT_TYPE_STUB="predict.py:Predictor"
CMD ["python", "-m", "cog.server.http"]
COPY . /src
