# The course in a container: JupyterLab with the TypeScript (tslab) kernel and the library built.
#   docker build -t spotlight .
#   docker run --rm -p 8888:8888 spotlight                         (prints a generated token)
#   docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=choose-one spotlight
FROM node:20-bookworm

RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-venv \
  && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --shell /bin/bash learner
USER learner
WORKDIR /home/learner/spotlight

COPY --chown=learner:learner . .
# The same set-up as the README's commands: .venv, npm ci, dist/, the kernel.
RUN bash scripts/setup.sh

EXPOSE 8888
CMD ["bash", "scripts/docker-start.sh"]
