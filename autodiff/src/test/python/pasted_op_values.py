#!/usr/bin/python3
"""Prints the PyTorch 1.13 values pasted into TorchValuesTest (float64; unary gradients seeded with
linspace(0.5, 1.5, n), the [2, 3] reductions with [1, -2]): /usr/bin/python3 pasted_op_values.py"""
import torch
torch.set_default_dtype(torch.float64)
F=torch.nn.functional
def arr(t): 
    out=[]
    for v in t.detach().reshape(-1).tolist():
        if v!=v: out.append("NaN")
        elif v==float('inf'): out.append("INF")
        elif v==float('-inf'): out.append("-INF")
        else: out.append(repr(v))
    return "{"+", ".join(out)+"}"
def unary(name, f, xs):
    x=torch.tensor(xs,requires_grad=True)
    y=f(x)
    g=torch.linspace(0.5,1.5,len(xs))
    y.backward(g)
    print(f'// {name}\nx {arr(x)}\ny {arr(y)}\ndx {arr(x.grad)}  seed linspace(0.5,1.5)')
unary("log1p", torch.log1p, [0.0, 1e-10, -1e-10, -0.5, 3.0, 1e5, -1.0])
unary("expm1", torch.expm1, [0.0, 1e-10, -1e-10, 1e-5, -2.0, 50.0, -50.0])
unary("softplus", F.softplus, [-100.0, -30.0, -1.0, 0.0, 1e-8, 19.9, 20.0, 20.5, 100.0])
unary("softplus beta 2 threshold 5", lambda x: F.softplus(x, beta=2, threshold=5), [-30.0, -1.0, 0.0, 1e-8, 2.4, 2.5, 2.6, 10.0])
unary("softplus beta 0.5 threshold -1", lambda x: F.softplus(x, beta=0.5, threshold=-1), [-5.0, -2.5, -2.0, -1.9, 0.0, 3.0])
unary("softplus beta 50 threshold 20", lambda x: F.softplus(x, beta=50, threshold=20), [-1.0, 0.0, 0.39, 0.41, 1.0])
# non-finite inputs, seed 1: which activations pass a gradient at NaN (PyTorch 1.13)
for name, f in [("softplus", F.softplus), ("softplus b2 t5", lambda x: F.softplus(x, beta=2, threshold=5)),
                ("elu 1.5", lambda x: F.elu(x, 1.5)), ("leaky_relu 0.1", lambda x: F.leaky_relu(x, 0.1)),
                ("relu", F.relu), ("silu", F.silu), ("gelu", F.gelu), ("gelu tanh", lambda x: F.gelu(x, approximate='tanh')),
                ("erf", torch.erf)]:
    x = torch.tensor([float('nan'), float('inf'), float('-inf')], requires_grad=True)
    y = f(x); y.backward(torch.ones(3))
    print(f"{name} at NaN, inf, -inf: y {arr(y)} dx {arr(x.grad)}")
unary("leaky_relu 0.1", lambda x: F.leaky_relu(x, 0.1), [-3.0, -0.0, 0.0, 1e-30, 2.5])
unary("elu 1.5", lambda x: F.elu(x, 1.5), [-1000.0, -5.0, -1e-8, 0.0, 1e-8, 3.0, 1000.0])
unary("erf", torch.erf, [0.0, 1e-10, -0.5, 1.0, 2.5, -4.0, 6.0, -27.0, 30.0])
inf=float('inf'); nan=float('nan')
gelu_x=[-2.0, -1.0, -0.5, -1e-8, 0.0, 1e-8, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 1e30, inf, -inf, nan]
unary("gelu", F.gelu, gelu_x)
unary("gelu tanh", lambda x: F.gelu(x, approximate='tanh'), gelu_x)
def unary32(name, f, xs):
    x=torch.tensor(xs,dtype=torch.float32,requires_grad=True)
    y=f(x); y.backward(torch.linspace(0.5,1.5,len(xs),dtype=torch.float32))
    print(f'// {name} float32\nx {arr(x)}\ny {arr(y)}\ndx {arr(x.grad)}  seed linspace(0.5,1.5)')
unary32("gelu", F.gelu, gelu_x)
unary32("gelu tanh", lambda x: F.gelu(x, approximate='tanh'), gelu_x)
# the left tails, where PyTorch's 1 + erf(x/sqrt 2) and 1 + tanh(u) cancel: exact values (mpmath, 40 digits)
import mpmath
mpmath.mp.dps=40
def tail(name, y, dy, xs):
    g=[0.5+i/(len(xs)-1) for i in range(len(xs))]
    print(f'// {name} exact (mpmath)\nx {xs}\ny {{{", ".join(mpmath.nstr(y(mpmath.mpf(v)),17) for v in xs)}}}')
    print(f'dx {{{", ".join(mpmath.nstr(gi*dy(mpmath.mpf(v)),17) for gi,v in zip(g,xs))}}}')
    x=torch.tensor(xs,requires_grad=True); f=F.gelu if name=="gelu" else (lambda t: F.gelu(t, approximate='tanh'))
    yy=f(x); yy.backward(torch.tensor(g)); print(f'  torch: y {arr(yy)} dx {arr(x.grad)}')
tail("gelu", lambda v: v*mpmath.ncdf(v), lambda v: mpmath.ncdf(v)+v*mpmath.npdf(v), [-3.0, -5.0, -10.0, -20.0, -30.0])
K=mpmath.sqrt(2/mpmath.pi); KA=mpmath.mpf(0.044715)
sig=lambda t: 1/(1+mpmath.exp(-t))
u=lambda v: K*(v+KA*v**3)
tail("gelu tanh", lambda v: v*sig(2*u(v)), lambda v: sig(2*u(v))+2*v*sig(2*u(v))*sig(-2*u(v))*K*(1+3*KA*v*v), [-3.0, -5.0, -10.0, -20.0])
x=torch.tensor([[1.0,2.0,4.0],[3.0,3.0,3.0]],requires_grad=True)
g=torch.tensor([[0.5,-1.0,2.0],[1.0,0.25,-0.75]])
for c in (0,1):
  for keep in (False,True):
    x.grad=None; y=torch.var(x,1,correction=c,keepdim=keep) if hasattr(torch,'var') else None
    y.backward(torch.tensor([1.0,-2.0]).reshape(y.shape)); print(f"var c={c} keep={keep} axis1 y {arr(y)} dx {arr(x.grad)}")
    x.grad=None; y=torch.std(x,1,correction=c,keepdim=keep)
    y.backward(torch.tensor([1.0,-2.0]).reshape(y.shape)); print(f"std c={c} keep={keep} axis1 y {arr(y)} dx {arr(x.grad)}")
x.grad=None; y=torch.var(x); y.backward(); print(f"var all y {arr(y)} dx {arr(x.grad)}")
x.grad=None; y=torch.std(x,0); y.backward(torch.tensor([1.,1.,1.])); print(f"std axis0 y {arr(y)} dx {arr(x.grad)}")
big=torch.tensor([1e8+1,1e8+2,1e8+4],requires_grad=True); y=torch.var(big); print("var offset", arr(y))
