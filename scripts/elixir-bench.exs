# The interpreter's benchmark lines on real Elixir (run by benches/interpreter.rs when
# `elixir` is installed): the lines as iex evaluates what is typed (Code.eval_string, i.e.
# erl_eval) and the same work compiled into a module. Prints "name median min max" in ms.
defmodule Fib do
  def fib(0), do: 0
  def fib(1), do: 1
  def fib(n), do: fib(n - 1) + fib(n - 2)
end

runs = 7

measure = fn name, f ->
  f.()
  times = for _ <- 1..runs, do: elem(:timer.tc(f), 0) / 1000
  sorted = Enum.sort(times)
  IO.puts("#{name} #{Enum.at(sorted, div(runs, 2))} #{hd(sorted)} #{List.last(sorted)}")
end

measure.("erl_eval_reduce", fn -> Code.eval_string("Enum.reduce(1..1_000_000, 0, &+/2)") end)
measure.("erl_eval_fib_fn", fn ->
  Code.eval_string("fib = fn f, n -> if n < 2, do: n, else: f.(f, n - 1) + f.(f, n - 2) end; fib.(fib, 25)")
end)
measure.("erl_eval_reduce_fn", fn -> Code.eval_string("Enum.reduce(1..1_000_000, 0, fn x, acc -> x + acc end)") end)
measure.("compiled_reduce_fn", fn -> Enum.reduce(1..1_000_000, 0, fn x, acc -> x + acc end) end)
measure.("compiled_reduce", fn -> Enum.reduce(1..1_000_000, 0, &+/2) end)
measure.("compiled_fib", fn -> Fib.fib(25) end)
