# The Enumerable and Collectable protocols, written in the Elixir the console speaks, and
# Enum's functions for what the native Enum cannot walk itself (streams, functions of two
# arguments, structs that implement Enumerable). Written for this project from the
# documented protocol: reduce/3 takes {:cont, acc}, {:halt, acc} or {:suspend, acc} and
# answers {:done, acc}, {:halted, acc} or {:suspended, acc, continuation}.

defprotocol Enumerable do
  @moduledoc "What Enum and Stream walk: reduce/3 (with the {:cont | :halt | :suspend, acc} protocol), count/1, member?/2 and slice/1. Lists, maps, ranges, MapSets, streams and functions of two arguments implement it; `defimpl Enumerable, for: MyStruct` makes a struct enumerable."
  def reduce(enumerable, acc, fun)
  def count(enumerable)
  def member?(enumerable, element)
  def slice(enumerable)
end

defimpl Enumerable, for: List do
  def reduce(_list, {:halt, acc}, _fun), do: {:halted, acc}
  def reduce(list, {:suspend, acc}, fun), do: {:suspended, acc, &reduce(list, &1, fun)}
  def reduce([], {:cont, acc}, _fun), do: {:done, acc}
  def reduce([x | rest], {:cont, acc}, fun), do: reduce(rest, fun.(x, acc), fun)
  def count(list), do: {:ok, length(list)}
  def member?(list, x), do: {:ok, :lists.member(x, list)}
  def slice(_list), do: {:error, __MODULE__}
end

defimpl Enumerable, for: Map do
  def reduce(map, acc, fun), do: Enumerable.List.reduce(Map.to_list(map), acc, fun)
  def count(map), do: {:ok, map_size(map)}

  def member?(map, {key, value}), do: {:ok, Map.has_key?(map, key) and map[key] === value}
  def member?(_map, _other), do: {:ok, false}
  def slice(_map), do: {:error, __MODULE__}
end

defimpl Enumerable, for: MapSet do
  def reduce(set, acc, fun), do: Enumerable.List.reduce(MapSet.to_list(set), acc, fun)
  def count(set), do: {:ok, MapSet.size(set)}
  def member?(set, x), do: {:ok, MapSet.member?(set, x)}
  def slice(_set), do: {:error, __MODULE__}
end

defimpl Enumerable, for: Range do
  def reduce(%Range{first: first, last: last, step: step}, acc, fun),
    do: walk(first, last, step, acc, fun)

  defp walk(_i, _last, _step, {:halt, acc}, _fun), do: {:halted, acc}
  defp walk(i, last, step, {:suspend, acc}, fun), do: {:suspended, acc, &walk(i, last, step, &1, fun)}

  defp walk(i, last, step, {:cont, acc}, fun) when (step > 0 and i <= last) or (step < 0 and i >= last),
    do: walk(i + step, last, step, fun.(i, acc), fun)

  defp walk(_i, _last, _step, {:cont, acc}, _fun), do: {:done, acc}

  def count(range), do: {:ok, Range.size(range)}
  def member?(range, x), do: {:ok, x in range}
  def slice(_range), do: {:error, __MODULE__}
end

defimpl Enumerable, for: Function do
  def reduce(fun, acc, reducer) when is_function(fun, 2), do: fun.(acc, reducer)

  def reduce(fun, _acc, _reducer) do
    raise Protocol.UndefinedError,
      protocol: Enumerable,
      value: fun,
      description: "only anonymous functions of arity 2 are enumerable"
  end

  def count(_fun), do: {:error, __MODULE__}
  def member?(_fun, _x), do: {:error, __MODULE__}
  def slice(_fun), do: {:error, __MODULE__}
end

defimpl Enumerable, for: Stream do
  def reduce(%Stream{reduce: run}, acc, fun), do: run.(acc, fun)
  def count(_stream), do: {:error, __MODULE__}
  def member?(_stream, _x), do: {:error, __MODULE__}
  def slice(_stream), do: {:error, __MODULE__}
end

defprotocol Collectable do
  @moduledoc "What Enum.into/2 and `for ... into:` fill: into/1 answers {initial, collector}, where collector.(acc, {:cont, x}) adds x, collector.(acc, :done) finishes and collector.(acc, :halt) gives up."
  def into(collectable)
end

defimpl Collectable, for: List do
  def into(list) do
    {[], fn
      acc, {:cont, x} -> [x | acc]
      acc, :done -> list ++ :lists.reverse(acc)
      _acc, :halt -> :ok
    end}
  end
end

defimpl Collectable, for: Map do
  def into(map) do
    {map, fn
      acc, {:cont, {k, v}} -> Map.put(acc, k, v)
      acc, :done -> acc
      _acc, :halt -> :ok
    end}
  end
end

defimpl Collectable, for: MapSet do
  def into(set) do
    {set, fn
      acc, {:cont, x} -> MapSet.put(acc, x)
      acc, :done -> acc
      _acc, :halt -> :ok
    end}
  end
end

defimpl Collectable, for: BitString do
  def into(string) do
    {string, fn
      acc, {:cont, x} when is_binary(x) -> acc <> x
      acc, :done -> acc
      _acc, :halt -> :ok
    end}
  end
end

# Enum's functions for enumerables the native Enum does not walk itself: the native one
# hands them over here. Those that may stop early stop the enumerable early (so they
# work on infinite streams); those that call a function call it as each item comes, in
# step with the stream's own functions; the rest take the items as a list first.
defmodule :redfour_enum do
  @moduledoc false

  # to_list/1 is native: it gathers the items the enumerable's reduce suspends after
  def suspend(x, _acc), do: {:suspend, x}

  def reduce(enumerable, acc, fun) do
    enumerable
    |> Enumerable.reduce({:cont, acc}, fn x, acc -> {:cont, fun.(x, acc)} end)
    |> elem(1)
  end

  def reduce(enumerable, fun) do
    result =
      Enumerable.reduce(enumerable, {:cont, :first}, fn
        x, :first -> {:cont, {:acc, x}}
        x, {:acc, acc} -> {:cont, {:acc, fun.(x, acc)}}
      end)

    case elem(result, 1) do
      :first -> raise Enum.EmptyError, "empty error"
      {:acc, acc} -> acc
    end
  end

  def reduce_while(enumerable, acc, fun),
    do: enumerable |> Enumerable.reduce({:cont, acc}, fun) |> elem(1)

  def each(enumerable, fun) do
    reduce(enumerable, nil, fn x, _ -> fun.(x) end)
    :ok
  end

  def map(enumerable, fun), do: enumerable |> Stream.map(fun) |> to_list()
  def filter(enumerable, fun), do: enumerable |> Stream.filter(fun) |> to_list()
  def reject(enumerable, fun), do: enumerable |> Stream.reject(fun) |> to_list()
  def with_index(enumerable, offset \\ 0), do: enumerable |> Stream.with_index(offset) |> to_list()
  def dedup(enumerable), do: enumerable |> Stream.dedup() |> to_list()
  def uniq(enumerable), do: enumerable |> Stream.uniq() |> to_list()

  def into(enumerable, collectable), do: into(enumerable, collectable, fn x -> x end)

  def into(enumerable, collectable, transform) do
    {initial, collect} = Collectable.into(collectable)
    acc = reduce(enumerable, initial, fn x, acc -> collect.(acc, {:cont, transform.(x)}) end)
    collect.(acc, :done)
  end

  def take(_enumerable, 0), do: []

  def take(enumerable, n) when is_integer(n) and n > 0, do: enumerable |> Stream.take(n) |> to_list()
  def take(enumerable, n), do: Enum.take(to_list(enumerable), n)

  def any?(enumerable), do: any?(enumerable, fn x -> x end)

  def any?(enumerable, fun),
    do: reduce_while(enumerable, false, fn x, _ -> if fun.(x), do: {:halt, true}, else: {:cont, false} end)

  def all?(enumerable), do: all?(enumerable, fn x -> x end)

  def all?(enumerable, fun),
    do: reduce_while(enumerable, true, fn x, _ -> if fun.(x), do: {:cont, true}, else: {:halt, false} end)

  def member?(enumerable, value) do
    case Enumerable.member?(enumerable, value) do
      {:ok, answer} -> answer
      {:error, _} -> any?(enumerable, fn x -> x === value end)
    end
  end

  def count(enumerable) do
    case Enumerable.count(enumerable) do
      {:ok, n} -> n
      {:error, _} -> reduce(enumerable, 0, fn _, n -> n + 1 end)
    end
  end

  def empty?(enumerable), do: reduce_while(enumerable, true, fn _, _ -> {:halt, false} end)

  def at(enumerable, index, default \\ nil)

  def at(enumerable, index, default) when is_integer(index) and index >= 0 do
    case fetch(enumerable, index) do
      {:ok, x} -> x
      :error -> default
    end
  end

  def at(enumerable, index, default), do: Enum.at(to_list(enumerable), index, default)

  def fetch(enumerable, index) when is_integer(index) and index >= 0 do
    reduce_while(enumerable, {:not_found, index}, fn
      x, {:not_found, 0} -> {:halt, {:ok, x}}
      _, {:not_found, i} -> {:cont, {:not_found, i - 1}}
    end)
    |> case do
      {:ok, x} -> {:ok, x}
      _ -> :error
    end
  end

  def fetch(enumerable, index), do: Enum.fetch(to_list(enumerable), index)

  def fetch!(enumerable, index) do
    case fetch(enumerable, index) do
      {:ok, x} -> x
      :error -> raise Enum.OutOfBoundsError, "out of bounds error"
    end
  end

  def slice(enumerable, start, amount) when is_integer(start) and start >= 0 and is_integer(amount) and amount >= 0,
    do: enumerable |> take(start + amount) |> Enum.drop(start)

  def slice(enumerable, start, amount), do: Enum.slice(to_list(enumerable), start, amount)

  def slice(enumerable, %Range{first: first, last: last, step: 1}) when first >= 0 and last >= first,
    do: slice(enumerable, first, last - first + 1)

  def slice(enumerable, range), do: Enum.slice(to_list(enumerable), range)

  def zip(enumerable1, enumerable2), do: zip([enumerable1, enumerable2])
  def zip(enumerables), do: zip_with(enumerables, &List.to_tuple/1)

  def zip_with(enumerables, fun),
    do: enumerables |> Stream.zip_with(fun) |> to_list()

  # a leftover that is a stream (Stream.cycle([0])): as many of its items as a chunk takes
  def chunk_every(enumerable, count, step, leftover),
    do: Enum.chunk_every(to_list(enumerable), count, step, Enum.take(leftover, count))

  def concat(enumerables), do: enumerables |> Stream.concat() |> to_list()
  def concat(left, right), do: concat([left, right])
end
