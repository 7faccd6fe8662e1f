# Writes python-float-repr.txt: one line per double, "<float.hex()> <json.dumps(value)>", the oracle
# WireFormatTest checks WireJson's float output against. Run with /usr/bin/python3 from this folder.
import json
import random
import struct

rng = random.Random(13)
values = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 2.5, 100.0, 1e15, 1e16, 1e17, 1e-4, 1e-5, 1.5e-7, 123456789012345678.0,
          5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.001, 0.0001, 0.00001, 1234.5678, 1e22, 1e21,
          9007199254740993.0, 3.141592653589793, 2.718281828459045, 1/3, 2/3, 10000000.0, 1e7, 1e8]
for e in range(-30, 31):
    values.append(10.0 ** e)
    values.append(1.5 * 10.0 ** e)
    values.append(-7.25 * 10.0 ** e)
for _ in range(3000):  # any bit pattern
    v = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]
    if v == v and v not in (float('inf'), float('-inf')):
        values.append(v)
for _ in range(3000):  # everyday magnitudes
    values.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 12)))
with open('python-float-repr.txt', 'w') as out:
    for v in values:
        out.write('%s %s\n' % (v.hex(), json.dumps(v)))
