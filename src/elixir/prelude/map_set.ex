# MapSet written in the Elixir the console speaks: a struct over a map whose keys are the
# members (the console prints it as `MapSet.new([…])`, and Enum walks its members). Written
# for this project from the documented behaviour.

defmodule MapSet do
  @moduledoc "Sets of any terms, each member once: MapSet.new([1, 2, 2]) is MapSet.new([1, 2]). Enum walks their members in term order; `in` tests membership; put/2, delete/2, union/2, intersection/2, difference/2, subset?/2 and friends make and compare them. (Written in Elixir in this console's prelude.)"
  defstruct map: %{}, version: 2

  def new(), do: %MapSet{}
  def new(%MapSet{} = set), do: set
  def new(enumerable), do: %MapSet{map: Map.new(enumerable, fn x -> {x, []} end)}

  def new(enumerable, transform),
    do: %MapSet{map: Map.new(enumerable, fn x -> {transform.(x), []} end)}

  def put(%MapSet{map: map} = set, value), do: %{set | map: Map.put(map, value, [])}
  def delete(%MapSet{map: map} = set, value), do: %{set | map: Map.delete(map, value)}
  def member?(%MapSet{map: map}, value), do: Map.has_key?(map, value)
  def size(%MapSet{map: map}), do: map_size(map)
  def to_list(%MapSet{map: map}), do: Map.keys(map)
  def union(%MapSet{map: a}, %MapSet{map: b}), do: %MapSet{map: Map.merge(a, b)}

  def intersection(%MapSet{map: a}, %MapSet{map: b}),
    do: %MapSet{map: Map.take(a, Map.keys(b))}

  def difference(%MapSet{map: a}, %MapSet{map: b}), do: %MapSet{map: Map.drop(a, Map.keys(b))}
  def symmetric_difference(a, b), do: union(difference(a, b), difference(b, a))
  def disjoint?(a, b), do: size(intersection(a, b)) == 0
  def equal?(%MapSet{map: a}, %MapSet{map: b}), do: a === b

  def subset?(%MapSet{map: a}, %MapSet{map: b}),
    do: Enum.all?(Map.keys(a), fn k -> Map.has_key?(b, k) end)

  def filter(%MapSet{map: map}, fun), do: map |> Map.keys() |> Enum.filter(fun) |> MapSet.new()
  def reject(%MapSet{map: map}, fun), do: map |> Map.keys() |> Enum.reject(fun) |> MapSet.new()
end
