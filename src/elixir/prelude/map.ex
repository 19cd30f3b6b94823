# Map's functions written in the Elixir the console speaks, over the native ones (a call of
# a function this module does not define reaches the native one). Written for this project
# from the documented behaviour.

defmodule Map do
  def from_keys(keys, value), do: Map.new(keys, fn key -> {key, value} end)

  @doc "Calls `fun` with the current value of `key` (or nil): it answers {value to return, new value}, or :pop to remove the key."
  def get_and_update(map, key, fun) do
    current = Map.get(map, key)

    case fun.(current) do
      {get, new} -> {get, Map.put(map, key, new)}
      :pop -> {current, Map.delete(map, key)}
      other -> raise "the given function must return a two-element tuple or :pop, got: #{inspect(other)}"
    end
  end

  def get_and_update!(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, _} -> get_and_update(map, key, fun)
      :error -> raise KeyError, key: key, term: map
    end
  end

  @doc "Returns the value for `key` and the map without it; raises KeyError when `key` is not there."
  def pop!(map, key) do
    case Map.fetch(map, key) do
      {:ok, value} -> {value, Map.delete(map, key)}
      :error -> raise KeyError, key: key, term: map
    end
  end

  def pop_lazy(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> {value, Map.delete(map, key)}
      :error -> {fun.(), map}
    end
  end

  def replace_lazy(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> Map.put(map, key, fun.(value))
      :error -> map
    end
  end
end
