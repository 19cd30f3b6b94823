# Erlang's :queue, written for this console from the behaviour of OTP 25's (captured in
# tests/fixtures/iex/queue.exs): a queue is {rear, front}, the rear list newest first, the
# front list oldest first, and when one list is empty the other holds at most one element,
# so a queue prints as it does in iex.

defmodule :queue do
  def new(), do: {[], []}

  def is_queue({r, f}) when is_list(r) and is_list(f), do: true
  def is_queue(_), do: false

  def is_empty({[], []}), do: true
  def is_empty({r, f}) when is_list(r) and is_list(f), do: false
  def is_empty(_), do: :erlang.error(:badarg)

  def len({r, f}) when is_list(r) and is_list(f), do: length(r) + length(f)
  def len(_), do: :erlang.error(:badarg)

  def to_list({r, f}) when is_list(r) and is_list(f), do: f ++ Enum.reverse(r)
  def to_list(_), do: :erlang.error(:badarg)

  # the first half at the front, the rest at the rear
  def from_list(l) when is_list(l), do: f2r(l)
  def from_list(_), do: :erlang.error(:badarg)

  def member(x, {r, f}) when is_list(r) and is_list(f), do: Enum.member?(r, x) or Enum.member?(f, x)
  def member(_, _), do: :erlang.error(:badarg)

  def unquote(:in)(x, {[_] = r, []}), do: {[x], r}
  def unquote(:in)(x, {r, f}) when is_list(r) and is_list(f), do: {[x | r], f}
  def unquote(:in)(_, _), do: :erlang.error(:badarg)

  def in_r(x, {[], [_] = f}), do: {f, [x]}
  def in_r(x, {r, f}) when is_list(r) and is_list(f), do: {r, [x | f]}
  def in_r(_, _), do: :erlang.error(:badarg)

  def out({[], []} = q), do: {:empty, q}
  def out({[v], []}), do: {{:value, v}, {[], []}}
  def out({r, []}) when is_list(r) do
    [v | rest] = Enum.reverse(r)
    {{:value, v}, r2f(Enum.reverse(rest))}
  end
  def out({r, [v]}) when is_list(r), do: {{:value, v}, r2f(r)}
  def out({r, [v | f]}) when is_list(r), do: {{:value, v}, {r, f}}
  def out(_), do: :erlang.error(:badarg)

  def out_r({[], []} = q), do: {:empty, q}
  def out_r({[], [v]}), do: {{:value, v}, {[], []}}
  def out_r({[], f}) when is_list(f) do
    [v | rest] = Enum.reverse(f)
    {{:value, v}, f2r(Enum.reverse(rest))}
  end
  def out_r({[v], f}) when is_list(f), do: {{:value, v}, f2r(f)}
  def out_r({[v | r], f}) when is_list(f), do: {{:value, v}, {r, f}}
  def out_r(_), do: :erlang.error(:badarg)

  def peek({[], []}), do: :empty
  def peek({r, [h | _]}) when is_list(r), do: {:value, h}
  def peek({[h], []}), do: {:value, h}
  def peek({r, []}) when is_list(r), do: {:value, List.last(r)}
  def peek(_), do: :erlang.error(:badarg)

  def peek_r({[], []}), do: :empty
  def peek_r({[h | _], f}) when is_list(f), do: {:value, h}
  def peek_r({[], [h]}), do: {:value, h}
  def peek_r({[], f}) when is_list(f), do: {:value, List.last(f)}
  def peek_r(_), do: :erlang.error(:badarg)

  def get(q) do
    case peek(q) do
      {:value, v} -> v
      :empty -> :erlang.error(:empty)
    end
  end

  def get_r(q) do
    case peek_r(q) do
      {:value, v} -> v
      :empty -> :erlang.error(:empty)
    end
  end

  def drop(q) do
    case out(q) do
      {{:value, _}, rest} -> rest
      {:empty, _} -> :erlang.error(:empty)
    end
  end

  def drop_r(q) do
    case out_r(q) do
      {{:value, _}, rest} -> rest
      {:empty, _} -> :erlang.error(:empty)
    end
  end

  # Okasaki's names, as OTP keeps them
  def cons(x, q), do: in_r(x, q)
  def snoc(q, x), do: :queue.in(x, q)
  def head(q), do: get(q)
  def daeh(q), do: get_r(q)
  def last(q), do: get_r(q)
  def tail(q), do: drop(q)
  def init(q), do: drop_r(q)
  def liat(q), do: drop_r(q)
  def lait(q), do: drop_r(q)

  def reverse({r, f}) when is_list(r) and is_list(f), do: {f, r}
  def reverse(_), do: :erlang.error(:badarg)

  def join({r, f} = q, {[], []}) when is_list(r) and is_list(f), do: q
  def join({[], []}, {r, f} = q) when is_list(r) and is_list(f), do: q
  def join({r1, f1}, {r2, f2}) when is_list(r1) and is_list(f1) and is_list(r2) and is_list(f2),
    do: {r2, f1 ++ Enum.reverse(r1, f2)}

  def join(_, _), do: :erlang.error(:badarg)

  def split(0, {r, f} = q) when is_list(r) and is_list(f), do: {{[], []}, q}

  def split(n, {r, f} = q) when is_integer(n) and n > 0 and is_list(r) and is_list(f) do
    lf = length(f)
    len = lf + length(r)

    cond do
      n == len ->
        {q, {[], []}}

      n > len ->
        :erlang.error(:badarg)

      n <= lf ->
        {front, rest} = Enum.split(f, n)
        {f2r(front), if(rest == [], do: r2f(r), else: {r, rest})}

      true ->
        # the rear gives its oldest n - lf to the first queue
        {keep, give} = Enum.split(r, len - n)
        {balance(give, f), balance(keep, [])}
    end
  end

  def split(_, _), do: :erlang.error(:badarg)

  def filter(fun, {r, f}) when is_function(fun, 1) and is_list(r) and is_list(f) do
    f2 = filter_list(fun, f)
    r2 = Enum.reverse(filter_list(fun, Enum.reverse(r)))
    balance(r2, f2)
  end

  def filter(_, _), do: :erlang.error(:badarg)

  def filtermap(fun, q) do
    filter(
      fn x ->
        case fun.(x) do
          {true, y} -> [y]
          true -> true
          false -> false
        end
      end,
      q
    )
  end

  def fold(fun, acc, q) when is_function(fun, 2), do: Enum.reduce(to_list(q), acc, fun)
  def fold(_, _, _), do: :erlang.error(:badarg)

  def all(pred, q) when is_function(pred, 1), do: Enum.all?(to_list(q), pred)
  def all(_, _), do: :erlang.error(:badarg)

  def any(pred, q) when is_function(pred, 1), do: Enum.any?(to_list(q), pred)
  def any(_, _), do: :erlang.error(:badarg)

  # the first x from the front
  def delete(x, {r, f}) when is_list(r) and is_list(f) do
    case Enum.member?(f, x) do
      true ->
        balance(r, List.delete(f, x))

      false ->
        case Enum.member?(r, x) do
          true -> balance(Enum.reverse(List.delete(Enum.reverse(r), x)), f)
          false -> {r, f}
        end
    end
  end

  def delete(_, _), do: :erlang.error(:badarg)

  # the first x from the rear
  def delete_r(x, q), do: reverse(delete(x, reverse(q)))

  defp filter_list(fun, l) do
    Enum.flat_map(l, fn x ->
      case fun.(x) do
        true -> [x]
        false -> []
        list when is_list(list) -> list
      end
    end)
  end

  # a front list made into a queue: its first half stays at the front
  defp f2r([]), do: {[], []}
  defp f2r([x]), do: {[x], []}

  defp f2r(l) do
    {front, back} = Enum.split(l, div(length(l), 2))
    {Enum.reverse(back), front}
  end

  # a rear list made into a queue: its newest half stays at the rear
  defp r2f([]), do: {[], []}
  defp r2f([x]), do: {[], [x]}

  defp r2f(r) do
    {keep, give} = Enum.split(r, div(length(r), 2))
    {keep, Enum.reverse(give)}
  end

  defp balance([], [_, _ | _] = f), do: f2r(f)
  defp balance([_, _ | _] = r, []), do: r2f(r)
  defp balance(r, f), do: {r, f}
end
