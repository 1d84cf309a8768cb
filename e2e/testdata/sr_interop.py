#!/usr/bin/env python3
"""The independent encoder and decoder of the schema registry e2e tests:
Confluent's Python client (confluent-kafka from PyPI) with its Avro,
Protobuf and JSON Schema serializers, run in the venv scripts/python-interop
makes.

  sr_interop.py produce --topic T --type avro|protobuf|json --schema FILE [--message NAME] [--unframed] < lines
  sr_interop.py consume --topic T --type ... --schema FILE --count N [--unframed] > lines

Input lines and output lines are JSON in the form streamctl's --decode
writes and its --value-schema reads: Avro's JSON encoding (tagged unions,
read and written with fastavro's JSON codec), the proto3 JSON mapping
(protobuf's json_format), or the JSON Schema document itself.
Connection: --bootstrap, --registry, and --user/--password for basic auth
(--ca for a TLS registry). --unframed writes and reads the encoded data
alone, without Confluent's serializers or the registry: fastavro's
schemaless writer and reader, protobuf's SerializeToString and
FromString, JSON text.
"""
import argparse
import faulthandler
import importlib
import io
import json
import os
import subprocess
import sys
import tempfile
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext


def registry(args):
    # The client waits forever for an answer by default (httpx, no
    # timeout): a registry request that never completes would show only as
    # the test's kill. With a timeout the client retries, then says so.
    conf = {"url": args.registry, "timeout": 20}
    if args.user:
        conf["basic.auth.user.info"] = f"{args.user}:{args.password}"
    if args.ca:
        conf["ssl.ca.location"] = args.ca
    return SchemaRegistryClient(conf)


def proto_class(schema_file, message):
    """Generates the Python class of a .proto with protoc (grpcio-tools)."""
    from grpc_tools import protoc

    out = tempfile.mkdtemp()
    d, name = os.path.split(os.path.abspath(schema_file))
    # Every .proto beside it too, so that its imports have classes.
    files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs if f.endswith(".proto"))
    if protoc.main(["protoc", f"-I{d}", f"--python_out={out}"] + files) != 0:
        sys.exit(f"protoc failed on {schema_file}")
    sys.path.insert(0, out)
    module = importlib.import_module(name[: -len(".proto")] + "_pb2")
    if not message:
        message = module.DESCRIPTOR.message_types_by_name and list(module.DESCRIPTOR.message_types_by_name)[0]
    cls = module
    for part in message.split(".")[-1:]:
        cls = getattr(cls, part)
    return cls


def serdes(args, sr):
    text = open(args.schema).read()
    if args.type == "avro":
        import fastavro
        from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer

        parsed = fastavro.parse_schema(json.loads(text))

        def from_json(line):
            return next(iter(fastavro.json_reader(io.StringIO(line), parsed)))

        def to_json(obj):
            buf = io.StringIO()
            fastavro.json_writer(buf, parsed, [obj])
            return json.loads(buf.getvalue())

        if args.unframed:
            def ser(obj, _ctx):
                buf = io.BytesIO()
                fastavro.schemaless_writer(buf, parsed, obj)
                return buf.getvalue()

            def deser(data, _ctx):
                return fastavro.schemaless_reader(io.BytesIO(data), parsed, None)

            return ser, deser, from_json, to_json
        return AvroSerializer(sr, text), AvroDeserializer(sr), from_json, to_json
    if args.type == "protobuf":
        from google.protobuf import json_format
        from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer

        cls = proto_class(args.schema, args.message)
        conf = {"use.deprecated.format": False}

        def from_json(line):
            return json_format.Parse(line, cls())

        def to_json(msg):
            return json_format.MessageToDict(msg)

        if args.unframed:
            return (lambda msg, _ctx: msg.SerializeToString()), (lambda data, _ctx: cls.FromString(data)), from_json, to_json
        return ProtobufSerializer(cls, sr, conf), ProtobufDeserializer(cls, conf), from_json, to_json
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer

    if args.unframed:
        return (lambda obj, _ctx: json.dumps(obj).encode()), (lambda data, _ctx: json.loads(data)), json.loads, lambda obj: obj
    return JSONSerializer(text, sr), JSONDeserializer(text), json.loads, lambda obj: obj


def main():
    p = argparse.ArgumentParser()
    p.add_argument("verb", choices=["produce", "consume"])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--ca")
    p.add_argument("--topic", required=True)
    p.add_argument("--type", choices=["avro", "protobuf", "json"], required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--message")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--unframed", action="store_true", help="the encoded data alone: no framing, no registry")
    p.add_argument("--natural", action="store_true",
                   help="consume: print what the deserializer returns as plain JSON (bench/run), not the tools' shared form")
    args = p.parse_args()
    # The e2e tests kill this script after 2 minutes: before that, every
    # thread's stack goes to stderr so the failure says where it waited.
    faulthandler.dump_traceback_later(100, exit=True)
    ser, deser, from_json, to_json = serdes(args, registry(args))
    if args.verb == "produce":
        prod = Producer({"bootstrap.servers": args.bootstrap})
        n = 0
        for line in sys.stdin:
            if not line.strip():
                continue
            ctx = SerializationContext(args.topic, MessageField.VALUE)
            prod.produce(args.topic, key=f"k{n}".encode(), value=ser(from_json(line), ctx))
            n += 1
        if prod.flush(30) != 0:
            sys.exit("not every record was delivered")
        print(f"{n} records produced", file=sys.stderr)
        return
    cons = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "sr-interop-" + uuid.uuid4().hex,
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
    cons.subscribe([args.topic])
    got = 0
    import time

    deadline = time.time() + 60
    while got < args.count and time.time() < deadline:
        msg = cons.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            sys.exit(f"consume: {msg.error()}")
        obj = deser(msg.value(), SerializationContext(args.topic, MessageField.VALUE))
        print(json.dumps(obj if args.natural else to_json(obj), sort_keys=not args.natural))
        got += 1
    cons.close()
    if got < args.count:
        sys.exit(f"read {got} of {args.count} records within 60 s")


if __name__ == "__main__":
    main()
