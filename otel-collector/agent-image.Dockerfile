# The image the init container of kubernetes.yaml copies the agent from. Build it from the
# repository's root after `mvn package`:
#   docker build -f otel-collector/agent-image.Dockerfile -t registry.example.com/portwatch-agent:0.1.0 .
FROM busybox:1.36
COPY agent/target/portwatch-agent.jar /portwatch/portwatch-agent.jar
