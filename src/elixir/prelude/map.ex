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

  def new(enumerable, transform) when is_function(transform, 1) do
    enumerable |> Enum.map(transform) |> Map.new()
  end

  def update(map, key, default, fun) when is_function(fun, 1) do
    case Map.fetch(map, key) do
      {:ok, value} -> Map.put(map, key, fun.(value))
      :error -> Map.put(map, key, default)
    end
  end

  def update!(map, key, fun) when is_function(fun, 1) do
    case Map.fetch(map, key) do
      {:ok, value} -> Map.put(map, key, fun.(value))
      :error -> raise KeyError, key: key, term: map
    end
  end

  def get_lazy(map, key, fun) when is_function(fun, 0) do
    case Map.fetch(map, key) do
      {:ok, value} -> value
      :error -> fun.()
    end
  end

  def put_new_lazy(map, key, fun) when is_function(fun, 0) do
    case Map.fetch(map, key) do
      {:ok, _} -> map
      :error -> Map.put(map, key, fun.())
    end
  end

  def filter(map, fun) when is_map(map) and is_function(fun, 1) do
    map |> Map.to_list() |> Enum.filter(fun) |> Map.new()
  end

  def reject(map, fun) when is_map(map) and is_function(fun, 1) do
    map |> Map.to_list() |> Enum.reject(fun) |> Map.new()
  end

  def map(map, fun) when is_map(map) and is_function(fun, 1) do
    map |> Map.to_list() |> Enum.map(fn {key, _} = pair -> {key, fun.(pair)} end) |> Map.new()
  end

  @doc "Merges two maps; where both hold a key, `fun.(key, value1, value2)` gives its value."
  def merge(map1, map2, fun) when is_function(fun, 3) do
    Enum.reduce(Map.to_list(map2), map1, fn {key, value2}, acc ->
      case Map.fetch(map1, key) do
        {:ok, value1} -> Map.put(acc, key, fun.(key, value1, value2))
        :error -> Map.put(acc, key, value2)
      end
    end)
  end
end
